namespace MusicCluster.Grains.Interfaces.Library;

/// <summary>A note for drawing: times in quarter notes from the start of the piece.</summary>
[GenerateSerializer, Immutable]
public sealed record PieceNote(
    [property: Id(0)] double Start,
    [property: Id(1)] double Duration,
    [property: Id(2)] int Pitch,
    [property: Id(3)] int Velocity,
    [property: Id(4)] int Track);

/// <summary>The notes of a piece, where its bars start (quarter notes) and each bar's score (null when unscored).</summary>
[GenerateSerializer, Immutable]
public sealed record PieceNotes(
    [property: Id(0)] string PieceId,
    [property: Id(1)] IReadOnlyList<PieceNote> Notes,
    [property: Id(2)] IReadOnlyList<double> BarStarts,
    [property: Id(3)] double End,
    [property: Id(4)] IReadOnlyList<double>? BarScores,
    [property: Id(5)] string? ScoreModelId,
    [property: Id(6)] string? ScoreCheckpointId,
    [property: Id(7)] double SecondsPerQuarter);

/// <summary>One objective metric of a piece and where it falls among the real pieces of the reference (percentile 0-100).</summary>
[GenerateSerializer, Immutable]
public sealed record MetricValue(
    [property: Id(0)] string Name,
    [property: Id(1)] double Value,
    [property: Id(2)] double Percentile,
    [property: Id(3)] double ReferenceMean,
    [property: Id(4)] double ReferenceStandardDeviation,
    [property: Id(5)] double ReferenceMin,
    [property: Id(6)] double ReferenceMax,
    [property: Id(7)] IReadOnlyList<int> ReferenceHistogram);

/// <summary>
/// A piece's objective metrics against the reference distributions that ship with the model: each the median over the
/// piece's <see cref="PieceExcerpts"/> excerpts of <see cref="ExcerptBars"/> bars; <see cref="LeftOut"/> names the
/// length-dependent metrics not compared because the piece has fewer bars than an excerpt.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PieceMetrics(
    [property: Id(0)] string PieceId,
    [property: Id(1)] bool ReferenceAvailable,
    [property: Id(2)] string? ReferenceSource,
    [property: Id(3)] string? ReferenceSplit,
    [property: Id(4)] int ReferenceExcerpts,
    [property: Id(5)] int ExcerptBars,
    [property: Id(6)] IReadOnlyList<MetricValue> Metrics,
    [property: Id(7)] IReadOnlyDictionary<string, double[]> PieceHistograms,
    [property: Id(8)] IReadOnlyDictionary<string, double[]> ReferenceHistograms,
    [property: Id(9)] string? Message,
    [property: Id(10)] int PieceBars,
    [property: Id(11)] int PieceExcerpts,
    [property: Id(12)] IReadOnlyList<string> LeftOut);

/// <summary>A melody note of a shared passage, in quarter notes from the start of its piece.</summary>
[GenerateSerializer, Immutable]
public sealed record PassageNote(
    [property: Id(0)] double Start,
    [property: Id(1)] double Duration,
    [property: Id(2)] int Pitch);

/// <summary>A real piece near this one: similarity (0-1), the share of its melody copied, and the longest passage both share.</summary>
[GenerateSerializer, Immutable]
public sealed record SimilarPiece(
    [property: Id(0)] string ReferenceId,
    [property: Id(1)] double Score,
    [property: Id(2)] double IntervalSimilarity,
    [property: Id(3)] double RhythmSimilarity,
    [property: Id(4)] double CopiedShare,
    [property: Id(5)] bool Flagged,
    [property: Id(6)] IReadOnlyList<PassageNote> PiecePassage,
    [property: Id(7)] IReadOnlyList<PassageNote> ReferencePassage);

/// <summary>
/// The nearest real pieces of the operator's reference data set (MusicCluster:ReferenceDataset). Configured false
/// (with Message saying how to set it) when none is set: real pieces do not ship with MusicCluster.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PieceSimilarity(
    [property: Id(0)] string PieceId,
    [property: Id(1)] bool Configured,
    [property: Id(2)] string? Message,
    [property: Id(3)] string? ReferenceName,
    [property: Id(4)] int ReferenceCount,
    [property: Id(5)] IReadOnlyList<SimilarPiece> Nearest,
    [property: Id(6)] bool Flagged);
