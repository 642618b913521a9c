using MusicCluster.Music.Data;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Training;

/// <summary>
/// The rules of critic-guided sampling, shared by every place that does it (the CLI, the starter library, the
/// silos' generation sessions) so they choose alike: a piece grows one bar at a time; for each bar,
/// <c>candidates</c> continuations of the piece so far are sampled together (candidate i from random stream i of
/// <see cref="BarSeed"/>), the critic scores each candidate's last bar (the window of bars ending with it, raw
/// score), and the best-scored candidate is kept (the first one on a tie).
/// </summary>
public static class CriticGuidance
{
    /// <summary>1 = no guidance (plain sampling).</summary>
    public const int MinCandidates = 1;

    /// <summary>
    /// What a request without a <c>candidates</c> field gets when its model has a calibrated critic (a model without
    /// one samples plainly). Chosen by what it buys and costs: docs/generation.md.
    /// </summary>
    public const int DefaultCandidates = 4;

    /// <summary>Candidates per bar are sampled as one batch; more than this costs much and buys little.</summary>
    public const int MaxCandidates = 16;

    /// <summary>The seed whose streams 0..candidates-1 draw bar <paramref name="bar"/>'s candidates.</summary>
    public static long BarSeed(long seed, int bar) => (long)(SplitMix64.ForItem(seed, bar).NextUInt64() >> 1);

    /// <summary>Index of the highest score (the first of equal ones; NaN never wins unless all are NaN).</summary>
    public static int Best(IReadOnlyList<double> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Count == 0) throw new ArgumentException("no candidate scores", nameof(scores));
        int best = 0;
        for (int i = 1; i < scores.Count; i++)
            if (scores[i] > scores[best] || double.IsNaN(scores[best]) && !double.IsNaN(scores[i])) best = i;
        return best;
    }

    /// <summary>
    /// A chosen candidate as the primer of the next bar: event sequences lose the end token the one-bar grammar
    /// closed them with, so the next bar can follow.
    /// </summary>
    public static int[] ContinuationPrefix(ITokenizer tokenizer, IReadOnlyList<int> chosen)
    {
        if (tokenizer is not EventTokenizer) return chosen.ToArray();
        int end = chosen.Count;
        while (end > 1 && chosen[end - 1] is EventVocabulary.EndId) end--;
        return chosen.Take(end).ToArray();
    }

    /// <summary>Throws naming the field when <paramref name="candidates"/> is outside 1..<see cref="MaxCandidates"/>.</summary>
    public static void CheckCandidates(int candidates, string field = "candidates")
    {
        if (candidates is < MinCandidates or > MaxCandidates)
            throw new ArgumentException($"{field}: must be from {MinCandidates} (no critic guidance) to {MaxCandidates}, got {candidates}");
    }
}
