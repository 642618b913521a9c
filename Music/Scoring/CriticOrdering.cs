namespace MusicCluster.Music.Scoring;

/// <summary>
/// How well a critic orders real pieces above the two kinds of negatives it must score lower: random token sequences
/// of the same lengths, and the same pieces with their bars in a random order. Each piece's score is the mean raw
/// score of its bar windows (<see cref="PieceScore.RawOverall"/>; calibration is monotonic, so AUCs on calibrated
/// scores are the same). AUCs are piece-level (Mann-Whitney, ties one half).
/// </summary>
public sealed record CriticOrderingResult(int Pieces, double RealVsRandomAuc, double RealVsShuffledAuc, double MeanReal, double MeanShuffled, double MeanRandom);

public static class CriticOrdering
{
    /// <param name="real">Real token sequences (a held-out split); each yields one random and one bar-shuffled negative.</param>
    /// <param name="seed">Seeds the random tokens and the bar permutations, so a measurement can be repeated exactly.</param>
    public static CriticOrderingResult Measure(CriticWindowScorer windows, IReadOnlyList<int[]> real, long seed = 1)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(real);
        if (real.Count == 0) throw new ArgumentException("measuring the ordering needs at least one real sequence", nameof(real));
        var random = new Random(unchecked((int)seed));
        var realScores = new double[real.Count];
        var shuffledScores = new double[real.Count];
        var randomScores = new double[real.Count];
        for (int i = 0; i < real.Count; i++)
        {
            realScores[i] = windows.ScoreBars(real[i]).Average();
            shuffledScores[i] = windows.ScoreBars(CriticNegatives.ShuffleBars(real[i], windows.Vocabulary, random)).Average();
            randomScores[i] = windows.ScoreBars(CriticNegatives.RandomTokens(real[i].Length, windows.Vocabulary.Count, random)).Average();
        }
        return new CriticOrderingResult(real.Count, AucCalculator.Compute(realScores, randomScores), AucCalculator.Compute(realScores, shuffledScores),
            realScores.Average(), shuffledScores.Average(), randomScores.Average());
    }
}
