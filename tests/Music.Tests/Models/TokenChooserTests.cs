using MusicCluster.Music.Models;

namespace MusicCluster.Music.Tests.Models;

/// <summary>The CPU side of sampling, on hand-made logits.</summary>
public sealed class TokenChooserTests
{
    private static readonly float[] Logits = [0f, 3f, 2.5f, 1f, -1f, 2.9f];
    private static readonly bool[] All = [true, true, true, true, true, true];

    private static int[] Draw(SamplingOptions options, bool[] allowed, int count = 2000)
    {
        var chooser = new TokenChooser(options, Logits.Length);
        var random = new SeededRandom(options.Seed, 0);
        return Enumerable.Range(0, count).Select(_ => chooser.Choose(Logits, allowed, random)).ToArray();
    }

    [Fact]
    public void Top_k_draws_only_among_the_k_most_likely()
    {
        var drawn = Draw(new SamplingOptions { TopK = 2, Seed = 1 }, All).ToHashSet();
        Assert.Equal(new HashSet<int> { 1, 5 }, drawn);
    }

    [Fact]
    public void Top_p_keeps_the_smallest_set_that_reaches_p()
    {
        // Probabilities (temperature 1): id1 .368, id5 .333, id2 .223, id3 .050, ... -> p = 0.5 keeps ids 1 and 5.
        Assert.Equal(new HashSet<int> { 1, 5 }, Draw(new SamplingOptions { TopP = 0.5, Seed = 2 }, All).ToHashSet());
        Assert.Equal(new HashSet<int> { 1 }, Draw(new SamplingOptions { TopP = 0.01, Seed = 2 }, All).ToHashSet());
        Assert.Equal(6, Draw(new SamplingOptions { Temperature = 5, Seed = 2 }, All, 5000).ToHashSet().Count);
    }

    [Fact]
    public void Frequencies_follow_the_softmax_of_the_logits()
    {
        int[] drawn = Draw(new SamplingOptions { Seed = 3 }, All, 20000);
        double total = Logits.Sum(l => Math.Exp(l));
        for (int id = 0; id < Logits.Length; id++)
        {
            double expected = Math.Exp(Logits[id]) / total;
            double observed = drawn.Count(t => t == id) / 20000.0;
            // 20000 draws: the standard error is at most 0.0036; five of them is a bound no correct sampler misses by chance.
            Assert.InRange(observed, expected - 0.018, expected + 0.018);
        }
    }

    [Fact]
    public void The_mask_wins_over_likelihood_and_an_empty_mask_is_reported()
    {
        bool[] onlyUnlikely = [true, false, false, false, true, false];
        Assert.Equal(new HashSet<int> { 0, 4 }, Draw(new SamplingOptions { Seed = 4 }, onlyUnlikely).ToHashSet());
        Assert.Equal(0, Draw(new SamplingOptions { Temperature = 0 }, onlyUnlikely, 1)[0]);
        Assert.Equal(-1, Draw(new SamplingOptions(), new bool[6], 1)[0]);
    }

    [Fact]
    public void A_tiny_temperature_is_nearly_greedy_and_non_finite_logits_are_refused()
    {
        Assert.Equal(new HashSet<int> { 1 }, Draw(new SamplingOptions { Temperature = 1e-300, Seed = 5 }, All, 200).ToHashSet());
        var chooser = new TokenChooser(new SamplingOptions(), 3);
        var random = new SeededRandom(1, 0);
        Assert.Contains("token 1 is NaN", Assert.Throws<ArgumentException>(() => chooser.Choose([0f, float.NaN, 1f], [true, true, true], random)).Message);
        Assert.Contains("token 2 is", Assert.Throws<ArgumentException>(() => chooser.Choose([0f, 1f, float.PositiveInfinity], [true, true, true], random)).Message);
        // Minus infinity is how a model may say "never": such a token is not drawn, even when allowed.
        Assert.Equal(new HashSet<int> { 0 },
            Enumerable.Range(0, 50).Select(_ => chooser.Choose([0f, float.NegativeInfinity, float.NegativeInfinity], [true, true, true], random)).ToHashSet());
    }

    [Fact]
    public void Seeded_streams_are_reproducible_and_distinct()
    {
        var a = new SeededRandom(5, 0);
        var b = new SeededRandom(5, 0);
        var c = new SeededRandom(5, 1);
        var first = Enumerable.Range(0, 8).Select(_ => a.NextUInt64()).ToArray();
        Assert.Equal(first, Enumerable.Range(0, 8).Select(_ => b.NextUInt64()));
        Assert.NotEqual(first, Enumerable.Range(0, 8).Select(_ => c.NextUInt64()));
        Assert.All(Enumerable.Range(0, 1000).Select(_ => a.NextDouble()), x => Assert.InRange(x, 0.0, 0.9999999999));
    }
}
