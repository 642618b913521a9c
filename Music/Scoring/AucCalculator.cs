namespace MusicCluster.Music.Scoring;

/// <summary>
/// Area under the ROC curve from two samples of scores, via the Mann-Whitney U statistic: the probability that a
/// random positive scores above a random negative, ties counting one half. 1 separates perfectly, 0.5 is chance.
/// </summary>
public static class AucCalculator
{
    public static double Compute(IReadOnlyList<double> positives, IReadOnlyList<double> negatives)
    {
        ArgumentNullException.ThrowIfNull(positives);
        ArgumentNullException.ThrowIfNull(negatives);
        if (positives.Count == 0) throw new ArgumentException("AUC needs at least one positive score", nameof(positives));
        if (negatives.Count == 0) throw new ArgumentException("AUC needs at least one negative score", nameof(negatives));
        Check(positives, nameof(positives));
        Check(negatives, nameof(negatives));

        // Rank all scores together; a run of equal scores gets the mean of its ranks (mid-ranks), which makes a
        // tie between a positive and a negative count one half.
        var all = new (double Score, bool Positive)[positives.Count + negatives.Count];
        for (int i = 0; i < positives.Count; i++) all[i] = (positives[i], true);
        for (int i = 0; i < negatives.Count; i++) all[positives.Count + i] = (negatives[i], false);
        Array.Sort(all, (a, b) => a.Score.CompareTo(b.Score));
        double positiveRankSum = 0;
        for (int start = 0; start < all.Length;)
        {
            int end = start;
            while (end < all.Length && all[end].Score == all[start].Score) end++;
            double midRank = (start + 1 + end) / 2.0; // ranks are 1-based: start+1 .. end
            for (int i = start; i < end; i++)
                if (all[i].Positive) positiveRankSum += midRank;
            start = end;
        }
        double n = positives.Count, m = negatives.Count;
        double u = positiveRankSum - n * (n + 1) / 2;
        return u / (n * m);
    }

    private static void Check(IReadOnlyList<double> scores, string name)
    {
        for (int i = 0; i < scores.Count; i++)
            if (double.IsNaN(scores[i])) throw new ArgumentException($"score {i} is NaN", name);
    }
}
