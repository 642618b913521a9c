using MusicCluster.Music.Models;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Tests.Models;
using MusicCluster.Music.Tokens;
using MusicCluster.Music.Training;
using Xunit.Abstractions;

namespace MusicCluster.Music.Tests.Scoring;

/// <summary>
/// The shipped model's scorer orders what it should. The JSB chorales may not be copied into the repository, so the
/// pieces in the place of real ones are what the shipped generator (trained on the JSB train split) writes: 8
/// grammar-constrained pieces of 4 bars, sampled in one batch with a fixed seed. Against them: the same pieces with
/// their bars shuffled, and random token sequences of the same lengths, scored through the shipped critic and
/// calibration exactly as `musiccluster score` does. The same figures on real held-out chorales (the JSB test split)
/// are measured by `musiccluster eval` and recorded in Music/DefaultModel/README.md.
/// </summary>
[Collection(TinyModels.Collection)]
public sealed class ShippedModelOrderingTests(ITestOutputHelper output)
{
    private CriticOrderingResult MeasureOnGeneratedPieces()
    {
        using var model = new CheckpointScoringModelSource().Load(null);
        var generator = model.Generator ?? throw new InvalidOperationException("the shipped checkpoint has no generator");
        const int pieces = 8, bars = 4;
        var table = ((EventTokenizer)TokenizerFactory.FromVocabulary(model.Vocabulary)).Table;
        var sampled = Sampler.SampleBatch(generator,
            Enumerable.Repeat<IReadOnlyList<int>>([EventVocabulary.BeginId], pieces).ToArray(),
            new SamplingOptions { Temperature = 1.0, Seed = 100, MaxNewTokens = bars * PieceGeneration.MaxEventTokensPerBar },
            Enumerable.Range(0, pieces).Select(_ => (ITokenConstraint?)new EventGrammarConstraint(table, bars)).ToArray());
        Assert.All(sampled, s => Assert.Equal(StopReason.Complete, s.StopReason));

        var ordering = CriticOrdering.Measure(model.Scorer.Windows, sampled.Select(s => s.Tokens.ToArray()).ToArray(), seed: 1);
        output.WriteLine($"{ordering.Pieces} generated pieces: AUC real vs random {ordering.RealVsRandomAuc:F3}, real vs bar-shuffled {ordering.RealVsShuffledAuc:F3}; " +
            $"mean raw scores {ordering.MeanReal:F3} / {ordering.MeanShuffled:F3} / {ordering.MeanRandom:F3}");
        return ordering;
    }

    [Fact]
    public void The_shipped_critic_ranks_generated_chorales_above_random_tokens()
    {
        var ordering = MeasureOnGeneratedPieces();
        Assert.True(ordering.RealVsRandomAuc >= 0.99, $"AUC real vs random {ordering.RealVsRandomAuc:F3} < 0.99");
    }

    // Real vs bar-shuffled >= 0.8 is not asserted: the shipped critic does not meet it yet (0.522 on the 77 JSB test
    // chorales, 0.49-0.64 on generated pieces; Music/DefaultModel/README.md), an open item of issue 5.
}
