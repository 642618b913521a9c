using MusicCluster.Music.Models;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Tests.Models;
using MusicCluster.Music.Training;
using Xunit.Abstractions;

namespace MusicCluster.Music.Tests.Scoring;

/// <summary>
/// The shipped model's scorer orders what it should. The JSB chorales may not be copied into the repository, so the
/// pieces in the place of real ones are what the shipped generator (trained on the JSB train split by MLE) writes:
/// 12 grammar-constrained pieces of 8 bars, fixed seeds. Against them: the same pieces with their bars shuffled, and
/// random token sequences of the same lengths, scored through the shipped critic and calibration exactly as
/// `musiccluster score` does. What this proves: the shipped critic ranks music in the corpus' style above the same
/// bars in a wrong order and above noise (AUC >= 0.8 and >= 0.99). The same figures on real held-out chorales (the
/// JSB test split) are measured by `musiccluster eval` and recorded in Music/DefaultModel/README.md.
/// </summary>
[Collection(TinyModels.Collection)]
public sealed class ShippedModelOrderingTests(ITestOutputHelper output)
{
    [Fact]
    public void The_shipped_critic_ranks_generated_chorales_above_their_bar_shuffles_and_random_tokens()
    {
        using var model = new CheckpointScoringModelSource().Load(null);
        var generator = model.Generator ?? throw new InvalidOperationException("the shipped checkpoint has no generator");
        var pieces = Enumerable.Range(0, 12)
            .Select(i => PieceGeneration.Generate(generator, model.Vocabulary, bars: 8, new SamplingOptions { Temperature = 1.0, Seed = 100 + i }))
            .ToArray();
        Assert.All(pieces, piece => Assert.True(piece.Complete, "a generated piece was cut at the token limit"));

        var ordering = CriticOrdering.Measure(model.Scorer.Windows, pieces.Select(p => p.Tokens).ToArray(), seed: 1);
        output.WriteLine($"{ordering.Pieces} pieces: AUC real vs random {ordering.RealVsRandomAuc:F3}, real vs bar-shuffled {ordering.RealVsShuffledAuc:F3}; " +
            $"mean raw scores {ordering.MeanReal:F3} / {ordering.MeanShuffled:F3} / {ordering.MeanRandom:F3}");
        Assert.True(ordering.RealVsRandomAuc >= 0.99, $"AUC real vs random {ordering.RealVsRandomAuc:F3} < 0.99");
        Assert.True(ordering.RealVsShuffledAuc >= 0.8, $"AUC real vs bar-shuffled {ordering.RealVsShuffledAuc:F3} < 0.8");
    }
}
