using System.Security.Cryptography;
using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Music.Midi;
using MusicCluster.Music.Notation;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Scoring;
using Orleans.Concurrency;

namespace MusicCluster.Grains.Library;

/// <summary>
/// The piece page's analyses, computed from the piece's MIDI on the calling silo: notes and bar scores for the
/// piano roll, objective metrics against the shipped reference distributions, nearest real pieces of the
/// operator's reference data set. Each runs on the thread pool, not on the grain scheduler, in one of the silo's
/// <see cref="RenderSlots"/> and within <see cref="RenderLimits.AnalysisSeconds"/>; a finished one is kept in the
/// <see cref="PieceAnalysisCache"/>, so the next request for the same piece costs a read of its MIDI file.
/// </summary>
[StatelessWorker]
public sealed class PieceAnalysisGrain(
    PieceReferenceData references,
    PieceAnalysisCache cache,
    RenderSlots slots,
    RenderLimits limits,
    TimeProvider clock) : Grain, IPieceAnalysisGrain
{
    /// <summary>Longest shared passage shown, in notes.</summary>
    public const int MaxPassageNotes = 32;

    public const string NotConfiguredMessage =
        "No reference data set is configured, so similarity to real pieces cannot be shown: real pieces do not ship with MusicCluster. " +
        "Import one (`musiccluster dataset import <folder or Jsb16thSeparated.json> --format midi|jsb --out <dir>`) and set " +
        "MusicCluster:ReferenceDataset to that folder (environment variable MusicCluster__ReferenceDataset), then restart.";

    public async Task<PieceNotes?> GetNotesAsync(string pieceId)
    {
        if (await LoadAsync(pieceId) is not { } stored) return null;
        // Cached without the score, which changes when the piece is scored again; the notes do not.
        PieceNotes notes = await AnalyseAsync(stored, "notes", (piece, _) =>
        {
            PianoRoll roll = PianoRoll.From(piece);
            var list = roll.Notes.Select(n => new PieceNote(n.StartBeat, n.EndBeat - n.StartBeat, n.Pitch, n.Velocity, n.Track)).ToList();
            return new PieceNotes(pieceId, list, roll.Bars.Select(b => b.StartBeat).ToList(), roll.DurationBeats, null, null, null,
                piece.TempoAt(0).MicrosecondsPerQuarter / 1_000_000.0);
        });
        Interfaces.Library.PieceScore? score = stored.Details.Score;
        return notes with { BarScores = score?.Bars, ScoreModelId = score?.ModelId, ScoreCheckpointId = score?.CheckpointId };
    }

    public async Task<PieceMetrics?> GetMetricsAsync(string pieceId)
    {
        if (await LoadAsync(pieceId) is not { } stored) return null;
        var (reference, problem) = await references.MetricsAsync();
        return await AnalyseAsync(stored, "metrics", (piece, cancellation) =>
        {
            var histograms = PieceFeatures.Of(piece).Histograms.ToDictionary(h => h.Key, h => h.Value);
            if (reference is null)
                return new PieceMetrics(pieceId, false, null, null, 0, 0, [], histograms, new Dictionary<string, double[]>(), problem, 0, 0, []);
            cancellation.ThrowIfCancellationRequested();
            PieceComparison comparison = reference.Compare(piece);
            var metrics = comparison.Metrics
                .Select(m => new MetricValue(m.Name, m.Value, m.Percentile, m.Reference.Mean, m.Reference.StandardDeviation, m.Reference.Min, m.Reference.Max,
                    m.Reference.Histogram))
                .ToList();
            return new PieceMetrics(pieceId, true, reference.Source, reference.Split, reference.Excerpts, reference.ExcerptBars, metrics, histograms,
                reference.MeanHistograms.ToDictionary(h => h.Key, h => h.Value), null, comparison.Bars, comparison.Excerpts, comparison.LeftOut);
        }, keep: reference is not null);
    }

    public async Task<PieceSimilarity?> GetSimilarityAsync(string pieceId)
    {
        if (await LoadAsync(pieceId) is not { } stored) return null;
        if (references.Settings.Dataset is null) return new PieceSimilarity(pieceId, false, NotConfiguredMessage, null, 0, [], false);
        var (reference, problem) = await references.SimilarityAsync();
        if (reference is null) return new PieceSimilarity(pieceId, false, problem, null, 0, [], false);
        return await AnalyseAsync(stored, "similarity", (piece, cancellation) =>
        {
            SimilarityReport report = reference.Index.Query(piece, cancellation);
            var melody = Melody.Skyline(piece);
            var nearest = report.Nearest.Select(match =>
            {
                cancellation.ThrowIfCancellationRequested();
                var (mine, theirs) = match.LongestSharedPassage is { } passage
                    ? (Passage(melody, passage.PieceStartNote, passage.LengthNotes, piece.TicksPerQuarter),
                       Passage(Melody.Skyline(reference.Pieces[match.ReferenceId]), passage.ReferenceStartNote, passage.LengthNotes,
                           reference.Pieces[match.ReferenceId].TicksPerQuarter))
                    : ([], []);
                return new SimilarPiece(match.ReferenceId, match.Score, match.IntervalSimilarity, match.RhythmSimilarity, match.CopiedShare, match.Flagged, mine, theirs);
            }).ToList();
            return new PieceSimilarity(pieceId, true, null, reference.Name, reference.Index.Count, nearest, report.Flagged);
        });
    }

    private static List<PassageNote> Passage(IReadOnlyList<MelodyNote> melody, int start, int length, int ticksPerQuarter) =>
        melody.Skip(start).Take(Math.Min(length, MaxPassageNotes))
            .Select(n => new PassageNote(n.Start / (double)ticksPerQuarter, (n.End - n.Start) / (double)ticksPerQuarter, n.Pitch)).ToList();

    private sealed record StoredPiece(string Id, PieceDetails Details, byte[] Midi, string Sha256);

    private async Task<StoredPiece?> LoadAsync(string pieceId)
    {
        PieceIds.Validate(pieceId);
        IPieceGrain grain = GrainFactory.GetGrain<IPieceGrain>(pieceId);
        if (await grain.GetAsync() is not { } details) return null;
        byte[] midi = await grain.GetFileAsync(PieceFormat.Midi);
        return new StoredPiece(pieceId, details, midi, Convert.ToHexStringLower(SHA256.HashData(midi)));
    }

    /// <summary>
    /// The cached result of <paramref name="analysis"/> for this MIDI file, or a new one: the file is parsed and analysed
    /// on the thread pool in one of the silo's render slots (none free: <see cref="AnalysisLimitException"/> Busy, before
    /// any work), within AnalysisSeconds (past it: TimedOut, and nothing is kept). The work sees the deadline's
    /// cancellation between its steps; work that overruns anyway keeps its slot until it ends, so the slots count what
    /// really runs. Kept in the cache when <paramref name="keep"/> (not when it reports a reference that failed to load).
    /// </summary>
    private async Task<T> AnalyseAsync<T>(StoredPiece stored, string analysis, Func<Piece, CancellationToken, T> compute, bool keep = true) where T : class
    {
        string key = PieceAnalysisCache.KeyOf(analysis, stored.Id, stored.Sha256);
        if (cache.TryGet(key, out T cached)) return cached;

        IDisposable slot = slots.TryTake()
            ?? throw new AnalysisLimitException(stored.Id, analysis, RenderLimit.Busy, RenderLimits.ConcurrentRendersKey,
                $"This silo is already running {slots.Capacity} renders and analyses, the most it runs at once ({RenderLimits.ConcurrentRendersKey}); " +
                $"the {analysis} of piece '{stored.Id}' were not computed. Try again in a few seconds.");
        var deadline = new WorkDeadline(limits.AnalysisTime, clock);
        CancellationToken token = deadline.Token;
        Task<T> work = Task.Run(() =>
        {
            Piece piece = MidiFileReader.Read(stored.Midi);
            token.ThrowIfCancellationRequested();
            return compute(piece, token);
        }, token);
        _ = work.ContinueWith(static (_, state) =>
        {
            var (slot, deadline) = ((IDisposable, WorkDeadline))state!;
            slot.Dispose();
            deadline.Dispose();
        }, (slot, deadline), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        T result;
        try
        {
            result = await work.WaitAsync(token);
        }
        catch (OperationCanceledException) when (deadline.Passed)
        {
            throw TimedOut();
        }
        catch (MidiFormatException e)
        {
            string problem = $"its MIDI file cannot be read: {e.Message}";
            await GrainFactory.GetGrain<IPieceGrain>(stored.Id).ReportDamageAsync(problem);
            throw new PieceDamagedException(stored.Id, problem);
        }
        if (deadline.Passed) throw TimedOut();
        if (keep) cache.Store(key, result);
        return result;

        AnalysisLimitException TimedOut() => new(stored.Id, analysis, RenderLimit.TimedOut, RenderLimits.AnalysisSecondsKey,
            $"Computing the {analysis} of piece '{stored.Id}' took longer than {limits.AnalysisSeconds:0.###} s ({RenderLimits.AnalysisSecondsKey}) and was stopped; " +
            "nothing of it was kept.");
    }
}
