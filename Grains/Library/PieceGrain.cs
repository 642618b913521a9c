using MusicCluster.Grains.Interfaces;
using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Music.Audio;
using MusicCluster.Music.Midi;
using MusicCluster.Music.Notation;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Storage;

namespace MusicCluster.Grains.Library;

[GenerateSerializer]
public sealed record PieceState
{
    [Id(0)] public bool Exists { get; init; }
    [Id(1)] public string Title { get; init; } = "";
    [Id(2)] public DateTimeOffset CreatedAt { get; init; }
    [Id(3)] public PieceProvenance? Provenance { get; init; }
    [Id(4)] public PieceScore? Score { get; init; }
    [Id(5)] public int RatingCount { get; init; }
    [Id(6)] public long RatingSum { get; init; }
    [Id(7)] public int NoteCount { get; init; }
    [Id(8)] public double DurationSeconds { get; init; }
    [Id(9)] public int Bars { get; init; }

    /// <summary>Why the piece's stored files cannot be read, once a read has found out; null while they can.</summary>
    [Id(10)] public string? Damage { get; init; }
}

/// <summary>
/// A piece: MIDI at <c>pieces/{id}.mid</c>, rendered formats beside it on demand (notation under the name of the
/// layout version that wrote it, <c>pieces/{id}.v3.musicxml</c>), metadata and ratings in grain state. Every change is
/// mirrored into the library index.
/// </summary>
public sealed partial class PieceGrain(
    [PersistentState("piece", StorageNames.GrainState)] IPersistentState<PieceState> state,
    IBlobStore blobs,
    MidiLimits limits,
    RenderLimits renders,
    RenderSlots slots,
    TimeProvider clock) : Grain, IPieceGrain
{
    private string Id => this.GetPrimaryKeyString();

    public async Task<PieceDetails> CreateAsync(NewPiece piece)
    {
        PieceIds.Validate(Id);
        if (state.State.Exists) throw new InvalidOperationException($"Piece '{Id}' already exists");
        if (string.IsNullOrWhiteSpace(piece.Title)) throw new ArgumentException("title: a piece needs a title");
        Piece parsed = limits.Read(piece.Midi, "midi");

        await blobs.WriteBytesAsync(BlobOf(PieceFormat.Midi), piece.Midi);
        state.State = new PieceState
        {
            Exists = true,
            Title = piece.Title.Trim(),
            CreatedAt = piece.Provenance?.CreatedAt ?? clock.GetUtcNow(),
            Provenance = piece.Provenance,
            Score = piece.Score,
            NoteCount = parsed.Notes.Count,
            DurationSeconds = parsed.DurationSeconds,
            Bars = MidiLimits.CountBars(parsed),
        };
        await state.WriteStateAsync();
        await UpdateLibraryAsync();
        return Details();
    }

    public Task<PieceDetails?> GetAsync() => Task.FromResult(state.State.Exists ? Details() : null);

    public Task<PieceSummary?> GetSummaryAsync() => Task.FromResult(state.State.Exists ? Summary() : null);

    public async Task<RatingSummary> RateAsync(int stars)
    {
        RequireExists();
        if (stars is < 1 or > 5) throw new ArgumentOutOfRangeException(nameof(stars), stars, "stars: a rating is 1 to 5 stars");
        state.State = state.State with { RatingCount = state.State.RatingCount + 1, RatingSum = state.State.RatingSum + stars };
        await state.WriteStateAsync();
        await UpdateLibraryAsync();
        return Rating();
    }

    public async Task SetScoreAsync(PieceScore score)
    {
        RequireExists();
        state.State = state.State with { Score = score };
        await state.WriteStateAsync();
        await UpdateLibraryAsync();
    }

    public async Task<bool> DeleteAsync()
    {
        if (!state.State.Exists) return false;
        await GrainFactory.GetGrain<ILibraryGrain>(0).RemoveAsync(Id);
        await state.ClearStateAsync();
        state.State = new PieceState();
        foreach (PieceFormat format in Enum.GetValues<PieceFormat>()) await blobs.DeleteAsync(BlobOf(format));
        foreach (string blob in NotationOfEarlierLayouts()) await blobs.DeleteAsync(blob);
        return true;
    }

    public async Task<byte[]> GetFileAsync(PieceFormat format)
    {
        RequireExists();
        string blob = BlobOf(format);
        if (format != PieceFormat.Midi)
        {
            try
            {
                if (await blobs.GetInfoAsync(blob) is not null) return await blobs.ReadVerifiedAsync(blob);
            }
            catch (BlobIntegrityException)
            {
                // A damaged render is only a cache: it is rendered again from the MIDI below and written anew.
            }
        }
        byte[] midi = await ReadMidiAsync();
        if (format == PieceFormat.Midi) return midi;

        Piece piece = await ParseStoredAsync(midi);
        var wav = new WavRenderer(p => MidiFileWriter.Write(p), new WavRenderOptions { MaxSeconds = renders.MaxWavSeconds });
        // Too long for audio: refused before any work, rather than rendering the first minutes. A shortened file served
        // as /wav would pass for the whole piece (players and downloads cannot show that it stops early) and would be
        // cached under the piece's name; the refusal costs nothing and the MIDI file still plays the piece in full.
        if (format == PieceFormat.Wav && wav.DurationOf(piece) is var seconds && seconds > renders.MaxWavSeconds)
            throw new RenderLimitException(Id, format, RenderLimit.TooLong, RenderLimits.MaxWavSecondsKey,
                $"Piece '{Id}' lasts {seconds:N0} s with its fade-out; audio is rendered for pieces of at most {renders.MaxWavSeconds:N0} s " +
                $"({RenderLimits.MaxWavSecondsKey}). Its MIDI file plays it in full.");
        byte[] rendered = await RenderAsync(piece, format, wav);
        // Only a finished render is kept (an atomic write): a render stopped part way leaves nothing behind.
        await blobs.WriteBytesAsync(blob, rendered);
        return rendered;
    }

    /// <summary>
    /// Renders off the grain scheduler (CPU time grows with the piece, bounded by MidiLimits when it was stored), so
    /// other grains of this silo are not held up, and within <see cref="RenderLimits.RenderSeconds"/>: past it the
    /// renderer is cancelled (it stops between bars or notes; fluidsynth is killed) and the caller gets a
    /// <see cref="RenderLimitException"/>. It takes one of the silo's <see cref="RenderSlots"/> while it runs; with none
    /// free it is refused before any work (<see cref="RenderLimit.Busy"/>).
    /// </summary>
    private async Task<byte[]> RenderAsync(Piece piece, PieceFormat format, WavRenderer wav)
    {
        using IDisposable slot = slots.TryTake()
            ?? throw new RenderLimitException(Id, format, RenderLimit.Busy, RenderLimits.ConcurrentRendersKey,
                $"This silo is already running {slots.Capacity} renders and analyses, the most it runs at once ({RenderLimits.ConcurrentRendersKey}); " +
                $"piece '{Id}' was not rendered as {format.ToString().ToLowerInvariant()}. Try again in a few seconds.");
        using var deadline = new WorkDeadline(renders.RenderTime, clock);
        CancellationToken token = deadline.Token;
        byte[] rendered;
        try
        {
            rendered = await Task.Run(() => format switch
            {
                PieceFormat.MusicXml => MusicXmlWriter.ToBytes(piece, token),
                PieceFormat.Jianpu => JianpuSvgWriter.ToBytes(piece, cancellation: token),
                PieceFormat.Wav => wav.Render(piece, token).Wav,
                _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown format"),
            }, token);
        }
        catch (OperationCanceledException) when (deadline.Passed)
        {
            throw TimedOut();
        }
        return deadline.Passed ? throw TimedOut() : rendered;

        RenderLimitException TimedOut() => new(Id, format, RenderLimit.TimedOut, RenderLimits.RenderSecondsKey,
            $"Rendering piece '{Id}' as {format.ToString().ToLowerInvariant()} took longer than " +
            $"{renders.RenderSeconds:0.###} s ({RenderLimits.RenderSecondsKey}) and was stopped; " +
            "nothing of it was kept.");
    }

    public async Task ReportDamageAsync(string problem)
    {
        RequireExists();
        await MarkDamagedAsync(problem);
    }

    /// <summary>The stored MIDI, checked against the hash recorded when it was written.</summary>
    private async Task<byte[]> ReadMidiAsync()
    {
        string blob = BlobOf(PieceFormat.Midi);
        try
        {
            if (await blobs.GetInfoAsync(blob) is null) throw await DamagedAsync($"its MIDI file {blob} is missing");
            return await blobs.ReadVerifiedAsync(blob);
        }
        catch (BlobIntegrityException e)
        {
            throw await DamagedAsync(e.Message);
        }
    }

    private async Task<Piece> ParseStoredAsync(byte[] midi)
    {
        try
        {
            return MidiFileReader.Read(midi);
        }
        catch (MidiFormatException e)
        {
            throw await DamagedAsync($"its MIDI file cannot be read: {e.Message}");
        }
    }

    private async Task<PieceDamagedException> DamagedAsync(string problem)
    {
        await MarkDamagedAsync(problem);
        return new PieceDamagedException(Id, problem);
    }

    private async Task MarkDamagedAsync(string problem)
    {
        if (state.State.Damage == problem) return;
        state.State = state.State with { Damage = problem };
        await state.WriteStateAsync();
    }

    /// <summary>
    /// Where a format is stored. Notation carries its layout version in the name, so a newer layout renders a piece
    /// afresh instead of serving what an older one cached.
    /// </summary>
    private string BlobOf(PieceFormat format) => $"pieces/{Id}" + format switch
    {
        PieceFormat.Midi => ".mid",
        PieceFormat.MusicXml => $".v{NotationScore.LayoutVersion}.musicxml",
        PieceFormat.Wav => ".wav",
        PieceFormat.Jianpu => $".v{NotationScore.LayoutVersion}.jianpu.svg",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown format"),
    };

    /// <summary>Names notation of earlier layouts may be stored under: unversioned before version 2.</summary>
    private IEnumerable<string> NotationOfEarlierLayouts()
    {
        for (int version = 1; version < NotationScore.LayoutVersion; version++)
        {
            string suffix = version == 1 ? "" : $".v{version}";
            yield return $"pieces/{Id}{suffix}.musicxml";
            yield return $"pieces/{Id}{suffix}.jianpu.svg";
        }
    }

    private void RequireExists()
    {
        if (!state.State.Exists) throw new KeyNotFoundException($"Piece '{Id}' does not exist");
    }

    private RatingSummary Rating() =>
        new(state.State.RatingCount, state.State.RatingCount == 0 ? 0 : (double)state.State.RatingSum / state.State.RatingCount);

    private PieceDetails Details()
    {
        PieceState s = state.State;
        return new PieceDetails(Id, s.Title, s.CreatedAt, s.Provenance, s.Score, Rating(), s.NoteCount, s.DurationSeconds, s.Bars, s.Damage);
    }

    private Task UpdateLibraryAsync() => GrainFactory.GetGrain<ILibraryGrain>(0).UpsertAsync(Summary());

    private PieceSummary Summary()
    {
        PieceState s = state.State;
        string search = string.Join(' ', new[] { s.Title, Id, s.Provenance?.ModelId, s.Provenance?.CheckpointId, s.Provenance?.Author,
                s.Provenance?.Adviser, s.Provenance?.Organisation }
            .Concat(s.Provenance?.Parameters.Select(p => $"{p.Key}={p.Value}") ?? []).Where(t => !string.IsNullOrEmpty(t))).ToLowerInvariant();
        return new PieceSummary(Id, s.Title, s.CreatedAt, s.Score?.Overall, Rating(), s.Provenance?.ModelId, s.DurationSeconds, search);
    }
}
