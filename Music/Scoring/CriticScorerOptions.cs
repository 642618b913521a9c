namespace MusicCluster.Music.Scoring;

/// <summary>How <see cref="CriticScorer"/> cuts a piece into windows.</summary>
public sealed record CriticScorerOptions
{
    /// <summary>A bar's score is the critic's score of the window of this many bars ending with it (fewer at the
    /// start of a piece), cut to the critic's context length from the left. Training and calibration use the same
    /// windows, so every score is on one scale.</summary>
    public int WindowBars { get; init; } = DefaultWindowBars;

    public const int DefaultWindowBars = 4;

    internal const string WindowBarsRange = "windowBars must be in [1, 1024]";

    internal static bool IsValidWindowBars(int windowBars) => windowBars is >= 1 and <= 1024;

    /// <summary>Windows per forward pass of the critic.</summary>
    public int BatchSize { get; init; } = 32;

    public CriticScorerOptions EnsureValid()
    {
        if (!IsValidWindowBars(WindowBars)) throw new ArgumentOutOfRangeException(nameof(WindowBars), WindowBars, WindowBarsRange);
        if (BatchSize < 1 || BatchSize > 4096) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "batchSize must be in [1, 4096]");
        return this;
    }
}
