namespace MusicCluster.Music.Scoring;

/// <summary>
/// What `musiccluster eval` reports (JSON, camelCase). <see cref="CriticAuc"/> is the probability that the critic
/// scores a real piece of the split above a generated one (0.5: it cannot tell them apart).
/// <see cref="Chorale"/> holds the figures a musician judges a chorale by (<see cref="ChoraleMetrics"/>) for the real
/// and the generated pieces. <see cref="Metrics"/> holds the objective metrics' overlap areas (real vs generated)
/// when a metrics function is wired, else null. <see cref="Ordering"/> is what the scorer must get right on real music: real above
/// bar-shuffled and above random tokens.
/// </summary>
public sealed record EvaluationResult
{
    public required string ModelId { get; init; }
    public required string CheckpointId { get; init; }
    public required string Split { get; init; }
    public required double NllPerToken { get; init; }
    public required long NllTokens { get; init; }
    public required string NllMethod { get; init; }
    public required int RealPieces { get; init; }
    public required int GeneratedPieces { get; init; }
    public required double CriticAuc { get; init; }
    public required double MeanRealScore { get; init; }
    public required double MeanGeneratedScore { get; init; }
    /// <summary>Bars asked of each generated piece.</summary>
    public required int GeneratedBars { get; init; }

    /// <summary>Critic-guided sampling of the generated pieces: candidates per bar (1 = plain).</summary>
    public int Candidates { get; init; } = 1;

    /// <summary>Seconds spent generating the pieces (wall clock, this process), so guidance's cost is reported beside what it buys.</summary>
    public double GenerationSeconds { get; init; }
    /// <summary>Generated pieces cut at the token limit before their last bar was complete (still scored and measured).</summary>
    public required int GeneratedIncomplete { get; init; }
    /// <summary>The critic's ordering over every real piece of the split (not capped by MaxPieces): AUC of the real
    /// pieces over random token sequences of the same lengths, and over the same pieces with their bars shuffled.</summary>
    public required CriticOrderingResult Ordering { get; init; }
    public required ChoraleComparison Chorale { get; init; }
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }
}
