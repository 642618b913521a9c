using MusicCluster.Music.Scoring;

namespace MusicCluster.Music.Tests.Scoring;

public sealed class AucCalculatorTests
{
    [Fact]
    public void Separated_reversed_and_tied_samples()
    {
        Assert.Equal(1.0, AucCalculator.Compute([3, 4, 5], [0, 1, 2]));
        Assert.Equal(0.0, AucCalculator.Compute([0, 1], [2, 3, 4]));
        Assert.Equal(0.5, AucCalculator.Compute([1, 1, 1], [1, 1]));
        // One tie among four pairs: (3 + 0.5) / 4.
        Assert.Equal(0.875, AucCalculator.Compute([2, 3], [1, 2]));
    }

    [Fact]
    public void Equals_counting_every_pair_with_ties_as_one_half()
    {
        var random = new Random(9);
        for (int trial = 0; trial < 20; trial++)
        {
            double[] positives = Enumerable.Range(0, random.Next(1, 40)).Select(_ => (double)random.Next(10)).ToArray();
            double[] negatives = Enumerable.Range(0, random.Next(1, 40)).Select(_ => (double)random.Next(8)).ToArray();
            double pairs = 0;
            foreach (double p in positives)
                foreach (double n in negatives)
                    pairs += p > n ? 1 : p == n ? 0.5 : 0;
            Assert.Equal(pairs / (positives.Length * negatives.Length), AucCalculator.Compute(positives, negatives), 12);
        }
    }

    [Fact]
    public void Empty_or_nan_samples_are_refused()
    {
        Assert.Throws<ArgumentException>(() => AucCalculator.Compute([], [1]));
        Assert.Throws<ArgumentException>(() => AucCalculator.Compute([1], []));
        Assert.Contains("score 1 is NaN", Assert.Throws<ArgumentException>(() => AucCalculator.Compute([1], [2, double.NaN])).Message);
    }
}
