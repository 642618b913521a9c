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
/// operator's reference data set. CPU work runs on the thread pool, not on the grain scheduler.
/// </summary>
[StatelessWorker]
public sealed class PieceAnalysisGrain(PieceReferenceData references) : Grain, IPieceAnalysisGrain
{
    /// <summary>Longest shared passage shown, in notes.</summary>
    public const int MaxPassageNotes = 32;

    public const string NotConfiguredMessage =
        "No reference data set is configured, so similarity to real pieces cannot be shown: real pieces do not ship with MusicCluster. " +
        "Import one (`musiccluster dataset import <folder or Jsb16thSeparated.json> --format midi|jsb --out <dir>`) and set " +
        "MusicCluster:ReferenceDataset to that folder (environment variable MusicCluster__ReferenceDataset), then restart.";

    public async Task<PieceNotes?> GetNotesAsync(string pieceId)
    {
        if (await LoadAsync(pieceId) is not { } loaded) return null;
        var (details, piece) = loaded;
        return await Task.Run(() =>
        {
            PianoRoll roll = PianoRoll.From(piece);
            var notes = roll.Notes.Select(n => new PieceNote(n.StartBeat, n.EndBeat - n.StartBeat, n.Pitch, n.Velocity, n.Track)).ToList();
            return new PieceNotes(pieceId, notes, roll.Bars.Select(b => b.StartBeat).ToList(), roll.DurationBeats, details.Score?.Bars,
                details.Score?.ModelId, details.Score?.CheckpointId, piece.TempoAt(0).MicrosecondsPerQuarter / 1_000_000.0);
        });
    }

    public async Task<PieceMetrics?> GetMetricsAsync(string pieceId)
    {
        if (await LoadAsync(pieceId) is not { } loaded) return null;
        Piece piece = loaded.Piece;
        var (reference, problem) = await references.MetricsAsync();
        return await Task.Run(() =>
        {
            var histograms = PieceFeatures.Of(piece).Histograms.ToDictionary(h => h.Key, h => h.Value);
            if (reference is null)
                return new PieceMetrics(pieceId, false, null, null, 0, 0, [], histograms, new Dictionary<string, double[]>(), problem);
            var metrics = reference.Compare(piece)
                .Select(m => new MetricValue(m.Name, m.Value, m.Percentile, m.Reference.Mean, m.Reference.StandardDeviation, m.Reference.Min, m.Reference.Max, m.Reference.Histogram))
                .ToList();
            return new PieceMetrics(pieceId, true, reference.Source, reference.Split, reference.Excerpts, reference.ExcerptBars, metrics, histograms,
                reference.MeanHistograms.ToDictionary(h => h.Key, h => h.Value), null);
        });
    }

    public async Task<PieceSimilarity?> GetSimilarityAsync(string pieceId)
    {
        if (await LoadAsync(pieceId) is not { } loaded) return null;
        Piece piece = loaded.Piece;
        if (references.Settings.Dataset is null) return new PieceSimilarity(pieceId, false, NotConfiguredMessage, null, 0, [], false);
        var (reference, problem) = await references.SimilarityAsync();
        if (reference is null) return new PieceSimilarity(pieceId, false, problem, null, 0, [], false);
        return await Task.Run(() =>
        {
            SimilarityReport report = reference.Index.Query(piece);
            var melody = Melody.Skyline(piece);
            var nearest = report.Nearest.Select(match =>
            {
                var (mine, theirs) = match.LongestSharedPassage is { } passage
                    ? (Passage(melody, passage.PieceStartNote, passage.LengthNotes, piece.TicksPerQuarter),
                       Passage(Melody.Skyline(reference.Pieces[match.ReferenceId]), passage.ReferenceStartNote, passage.LengthNotes, reference.Pieces[match.ReferenceId].TicksPerQuarter))
                    : ([], []);
                return new SimilarPiece(match.ReferenceId, match.Score, match.IntervalSimilarity, match.RhythmSimilarity, match.CopiedShare, match.Flagged, mine, theirs);
            }).ToList();
            return new PieceSimilarity(pieceId, true, null, reference.Name, reference.Index.Count, nearest, report.Flagged);
        });
    }

    private static List<PassageNote> Passage(IReadOnlyList<MelodyNote> melody, int start, int length, int ticksPerQuarter) =>
        melody.Skip(start).Take(Math.Min(length, MaxPassageNotes))
            .Select(n => new PassageNote(n.Start / (double)ticksPerQuarter, (n.End - n.Start) / (double)ticksPerQuarter, n.Pitch)).ToList();

    private async Task<(PieceDetails Details, Piece Piece)?> LoadAsync(string pieceId)
    {
        PieceIds.Validate(pieceId);
        IPieceGrain grain = GrainFactory.GetGrain<IPieceGrain>(pieceId);
        if (await grain.GetAsync() is not { } details) return null;
        byte[] midi = await grain.GetFileAsync(PieceFormat.Midi);
        try
        {
            return (details, await Task.Run(() => MidiFileReader.Read(midi)));
        }
        catch (MidiFormatException e)
        {
            string problem = $"its MIDI file cannot be read: {e.Message}";
            await grain.ReportDamageAsync(problem);
            throw new PieceDamagedException(pieceId, problem);
        }
    }
}
