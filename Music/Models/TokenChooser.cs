namespace MusicCluster.Music.Models;

/// <summary>
/// Picks one token from a row of logits on the CPU: constraint mask, temperature, top-k, top-p, then a seeded
/// draw. Done in managed doubles rather than torch ops so the result depends only on the logits and the seed,
/// not on the device or on libtorch's random number generators.
/// </summary>
internal sealed class TokenChooser(SamplingOptions options, int vocabSize)
{
    private readonly int[] order = new int[vocabSize];
    private readonly double[] weights = new double[vocabSize];
    private readonly float[] values = new float[vocabSize];

    /// <summary>The chosen token id, or -1 when the mask allows no token with a finite logit.</summary>
    public int Choose(ReadOnlySpan<float> logits, ReadOnlySpan<bool> allowed, SeededRandom random)
    {
        int count = 0;
        for (int id = 0; id < logits.Length; id++)
        {
            if (float.IsNaN(logits[id]) || float.IsPositiveInfinity(logits[id]))
                throw new ArgumentException($"logit of token {id} is {logits[id]}", nameof(logits));
            if (allowed[id] && !float.IsNegativeInfinity(logits[id])) order[count++] = id;
        }
        if (count == 0) return -1;

        // Most likely first; equal logits in id order, so ties break the same way every time.
        logits.CopyTo(values);
        var candidates = order.AsSpan(0, count);
        candidates.Sort(ByLogitDescending);
        if (options.Temperature == 0 || options.TopK == 1) return candidates[0];
        if (options.TopK is int k && k < count) count = k;

        // exp((logit - top) / T) <= 1: subtracting before dividing keeps even a tiny temperature free of overflow.
        double top = logits[candidates[0]];
        double total = 0;
        for (int i = 0; i < count; i++)
        {
            weights[i] = Math.Exp((logits[candidates[i]] - top) / options.Temperature);
            total += weights[i];
        }
        if (options.TopP is double p && p < 1)
        {
            // Keep the shortest prefix whose probability reaches p (at least one token).
            double kept = 0;
            int keep = 0;
            while (keep < count && kept < p * total) kept += weights[keep++];
            count = Math.Max(keep, 1);
            total = kept > 0 ? kept : weights[0];
        }

        double target = random.NextDouble() * total;
        double cumulative = 0;
        for (int i = 0; i < count; i++)
        {
            cumulative += weights[i];
            if (target < cumulative) return candidates[i];
        }
        return candidates[count - 1]; // rounding left the target at the very top
    }

    private int ByLogitDescending(int a, int b)
    {
        int byLogit = values[b].CompareTo(values[a]);
        return byLogit != 0 ? byLogit : a.CompareTo(b);
    }
}
