namespace MusicCluster.Music.Scoring;

/// <summary>
/// A piece's critic score: <see cref="Overall"/> and one score per bar, each 0-100 (the percentile among held-out
/// real windows), with the raw critic outputs they come from, and always the model and checkpoint that gave them.
/// </summary>
public sealed record PieceScore(double Overall, IReadOnlyList<double> Bars, string ModelId, string CheckpointId)
{
    /// <summary>The critic's raw output for the whole piece: the mean of its bars' raw window scores.</summary>
    public double RawOverall { get; init; }

    public IReadOnlyList<double> RawBars { get; init; } = [];
}

/// <summary>The score of one bar as soon as it is complete (live scoring).</summary>
public sealed record BarScore(int Bar, double Score, double Raw, string ModelId, string CheckpointId);
