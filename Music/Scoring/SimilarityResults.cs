namespace MusicCluster.Music.Scoring;

public sealed record SimilarityOptions
{
    /// <summary>Intervals per n-gram of the interval profile.</summary>
    public int IntervalN { get; init; } = 4;
    /// <summary>Inter-onset ratios per n-gram of the rhythm profile.</summary>
    public int RhythmN { get; init; } = 4;
    /// <summary>Weight of the interval profile in the combined score; the rhythm profile gets the rest.</summary>
    public double IntervalWeight { get; init; } = 0.6;
    /// <summary>How many nearest references a report lists.</summary>
    public int Nearest { get; init; } = 5;
    /// <summary>Length, in intervals, of a run that counts as copied: shorter shared runs are common stock (scales, arpeggios).</summary>
    public int CopyRunLength { get; init; } = 6;
    /// <summary>A piece is flagged when it copies more than this share of one reference melody's notes.</summary>
    public double CopyThreshold { get; init; } = 0.5;
}

/// <summary>
/// The longest melodic passage two pieces share, as a common run of intervals (so transposed copies count): where it
/// starts in each melody (note index and tick) and how many notes long it is.
/// </summary>
public sealed record SharedPassage(int PieceStartNote, int ReferenceStartNote, int LengthNotes, long PieceStartTick, long ReferenceStartTick);

/// <summary>
/// How a piece relates to one reference: cosine similarity of interval and rhythm n-gram profiles, their weighted
/// score, the share of the reference's melody notes the piece copies (shared runs chained in order), the longest
/// shared passage, and whether the share passes the copy threshold.
/// </summary>
public sealed record SimilarityMatch(string ReferenceId, double Score, double IntervalSimilarity, double RhythmSimilarity,
    double CopiedShare, SharedPassage? LongestSharedPassage, bool Flagged);

/// <summary>The nearest references by score, and every reference the piece copies too much of.</summary>
public sealed record SimilarityReport(IReadOnlyList<SimilarityMatch> Nearest, IReadOnlyList<SimilarityMatch> Copied)
{
    public bool Flagged => Copied.Count > 0;
}
