using Microsoft.Extensions.Logging;
using MusicCluster.Grains.Interfaces;
using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Grains.Live;
using MusicCluster.Music.Midi;
using MusicCluster.Music.Storage;
using MusicCluster.Music.Training;

namespace MusicCluster.Grains.Library;

[GenerateSerializer]
public sealed record LibrarySeederState
{
    /// <summary>Indexes of the starter pieces known to be in the library.</summary>
    [Id(0)] public HashSet<int> Created { get; init; } = [];
    [Id(1)] public int Total { get; init; }
    [Id(2)] public DateTimeOffset? StartedAt { get; init; }
    [Id(3)] public DateTimeOffset? FinishedAt { get; init; }
    /// <summary>The library already held enough pieces at the first start: seeding is never needed.</summary>
    [Id(4)] public bool Skipped { get; init; }
}

/// <summary>
/// Seeds the library with starter pieces starter-0000 .. starter-{N-1}: those `musiccluster library seed` wrote to
/// library-seed/ in the blob store are added as they are, the rest are generated in batches by the silo's
/// <see cref="StarterLibraryEngine"/> (its own thread), scored and stored with full provenance. Piece ids are fixed
/// by index and checked before each batch, so a seeding interrupted by a restart continues where it stopped and never
/// makes a piece twice. N is MusicCluster:Library:SeedCount (or more, when more pieces were pre-generated); when the
/// library already held N pieces at the first start, nothing is seeded. Every piece added and every change of status
/// is announced to the progress's observers (<see cref="LiveValueGrain{T}"/>).
/// </summary>
public sealed class LibrarySeederGrain(
    [PersistentState("library-seeder", StorageNames.GrainState)] IPersistentState<LibrarySeederState> state,
    LibrarySeedingSettings settings,
    PieceAuthorship authorship,
    StarterLibraryEngine engine,
    IBlobStore blobs,
    TimeProvider clock,
    ILogger<LibrarySeederGrain> logger) : LiveValueGrain<SeedingProgress>, ILibrarySeederGrain
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _run;
    private SeedingStatus _status = SeedingStatus.NotStarted;
    private string? _error;
    private int _addedThisRun;

    public async Task<SeedingProgress> StartAsync()
    {
        if (settings.SeedCount == 0) _status = SeedingStatus.Disabled;
        else if (_run is null || _run.IsCompleted && _status == SeedingStatus.Failed)
        {
            (_status, _error, _addedThisRun) = (SeedingStatus.Running, null, 0);
            _run = RunGuardedAsync(_stop.Token);
        }
        await AnnounceAsync();
        return ReadValue();
    }

    public Task<SeedingProgress> GetProgressAsync() => Task.FromResult(ReadValue());

    protected override SeedingProgress ReadValue()
    {
        LibrarySeederState s = state.State;
        SeedingStatus status = settings.SeedCount == 0 && _run is null ? SeedingStatus.Disabled : _status;
        return new SeedingProgress(status, s.Created.Count(i => i < s.Total), s.Total, _error, s.StartedAt, s.FinishedAt, _addedThisRun);
    }

    /// <summary>Tells the progress's observers how seeding stands now (nothing when nothing changed).</summary>
    private Task AnnounceAsync() => PublishAsync(ReadValue());

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        if (_run is not null) await _run.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Current);
    }

    private async Task RunGuardedAsync(CancellationToken cancellation)
    {
        try
        {
            await RunAsync(cancellation);
            _status = SeedingStatus.Completed;
            await AnnounceAsync();
        }
        catch (OperationCanceledException)
        {
            // Stopped with the silo (or the engine): the next start continues where this one stopped.
            _status = SeedingStatus.NotStarted;
            await AnnounceAsync();
        }
        catch (Exception e)
        {
            logger.LogError(e, "Seeding the starter library failed");
            (_status, _error) = (SeedingStatus.Failed, e.Message);
            await AnnounceAsync();
        }
    }

    private async Task RunAsync(CancellationToken cancellation)
    {
        if (state.State.Skipped) return;
        var store = new StarterPieceStore(blobs);
        var pregenerated = new HashSet<string>(await store.ListIdsAsync(cancellation), StringComparer.Ordinal);
        int total = Math.Max(settings.SeedCount, pregenerated.Select(IndexOf).DefaultIfEmpty(-1).Max() + 1);
        if (state.State.FinishedAt is not null && state.State.Total >= total) return;

        if (state.State.StartedAt is null && await GrainFactory.GetGrain<ILibraryGrain>(0).CountAsync() >= total)
        {
            logger.LogInformation("The library already holds {Total} pieces or more: no starter pieces needed", total);
            state.State = state.State with { StartedAt = clock.GetUtcNow(), FinishedAt = clock.GetUtcNow(), Total = 0, Skipped = true };
            await state.WriteStateAsync(cancellation);
            await AnnounceAsync();
            return;
        }

        state.State = state.State with { Total = total, StartedAt = state.State.StartedAt ?? clock.GetUtcNow(), FinishedAt = null };
        // A piece may exist without being recorded here (the silo stopped between storing it and writing this state).
        var missing = new List<int>();
        for (int index = 0; index < total; index++)
        {
            if (state.State.Created.Contains(index)) continue;
            if (await Piece(index).GetAsync() is not null) state.State.Created.Add(index);
            else missing.Add(index);
        }
        await state.WriteStateAsync(cancellation);
        await AnnounceAsync();
        logger.LogInformation("Starter library: {Missing} of {Total} pieces to add ({Pregenerated} pre-generated)", missing.Count, total, pregenerated.Count);

        foreach (int[] batch in missing.Chunk(settings.BatchSize))
        {
            cancellation.ThrowIfCancellationRequested();
            // Keep this activation alive while it works: nobody may call it for minutes.
            DelayDeactivation(TimeSpan.FromMinutes(30));
            var toGenerate = new List<int>();
            foreach (int index in batch)
            {
                NewPiece? imported = pregenerated.Contains(StarterPieceGenerator.IdOf(index)) ? await TryImportAsync(store, index, cancellation) : null;
                if (imported is null) toGenerate.Add(index);
                else await AddAsync(index, imported);
            }
            if (toGenerate.Count > 0)
                foreach (StarterPiece piece in await engine.GenerateAsync(toGenerate, cancellation))
                    await AddAsync(piece.Index, ToNewPiece(piece));
            await state.WriteStateAsync(cancellation);
        }
        state.State = state.State with { FinishedAt = clock.GetUtcNow() };
        await state.WriteStateAsync(cancellation);
        await AnnounceAsync();
        logger.LogInformation("Starter library complete: {Total} pieces", total);
    }

    private IPieceGrain Piece(int index) => GrainFactory.GetGrain<IPieceGrain>(StarterPieceGenerator.IdOf(index));

    private async Task AddAsync(int index, NewPiece piece)
    {
        // Stored by an earlier run after all (between the check and now): keep that one.
        if (await Piece(index).GetAsync() is null)
        {
            await Piece(index).CreateAsync(piece);
            _addedThisRun++;
            // A progress event per piece (Debug: a fresh installation adds 300): crash tests kill the process right after one.
            logger.LogDebug("Starter piece {Id} stored ({Added} added this run)", StarterPieceGenerator.IdOf(index), _addedThisRun);
        }
        state.State.Created.Add(index);
        await AnnounceAsync();
    }

    private NewPiece ToNewPiece(StarterPiece piece)
    {
        var provenance = new PieceProvenance(piece.ModelId, piece.CheckpointId, piece.Seed, piece.Parameters, piece.CreatedAt,
            authorship.Author, authorship.Adviser, authorship.Organisation, authorship.Licence);
        byte[] midi = MidiFileWriter.Write(piece.Piece with
        {
            Metadata = piece.Piece.Metadata with
            {
                Title = piece.Title,
                Provenance = new Music.Pieces.Provenance
                {
                    ModelId = piece.ModelId,
                    CheckpointId = piece.CheckpointId,
                    Seed = piece.Seed,
                    Parameters = piece.Parameters,
                    CreatedAt = piece.CreatedAt,
                    Author = authorship.Author,
                    Adviser = authorship.Adviser,
                    Organisation = authorship.Organisation,
                    Licence = authorship.Licence,
                },
            },
        });
        return new NewPiece(piece.Title, midi, provenance,
            new PieceScore(piece.Score.Overall, piece.Score.Bars.ToArray(), piece.Score.ModelId, piece.Score.CheckpointId));
    }

    /// <summary>
    /// A pre-generated piece; authorship it does not state comes from this silo's configuration. Null when it cannot be
    /// read (then it is generated here instead, and the reason logged).
    /// </summary>
    private async Task<NewPiece?> TryImportAsync(StarterPieceStore store, int index, CancellationToken cancellation)
    {
        StarterPieceRecord record;
        byte[] midi;
        try
        {
            (StarterPieceRecord Record, byte[] Midi)? read = await store.ReadAsync(StarterPieceGenerator.IdOf(index), cancellation);
            if (read is null) return null;
            (record, midi) = read.Value;
            MidiFileReader.Read(midi);
        }
        catch (Exception e) when (e is InvalidDataException or BlobIntegrityException or MidiFormatException)
        {
            logger.LogWarning("Pre-generated piece {Id} is unusable, generating it instead: {Problem}", StarterPieceGenerator.IdOf(index), e.Message);
            return null;
        }
        var provenance = new PieceProvenance(record.ModelId, record.CheckpointId, record.Seed, record.Parameters, record.CreatedAt,
            record.Author ?? authorship.Author, record.Adviser ?? authorship.Adviser, record.Organisation ?? authorship.Organisation,
            record.Licence ?? authorship.Licence);
        var score = new PieceScore(record.Score.Overall, record.Score.Bars.ToArray(), record.Score.ModelId, record.Score.CheckpointId);
        return new NewPiece(record.Title, midi, provenance, score);
    }

    private static int IndexOf(string id) =>
        id.StartsWith(StarterPieceGenerator.IdPrefix, StringComparison.Ordinal)
        && int.TryParse(id.AsSpan(StarterPieceGenerator.IdPrefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index)
        && index < LibrarySeedingSettings.MaxSeedCount ? index : -1;
}
