using MusicCluster.Music.Models;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Tests.Models;
using MusicCluster.Music.Tokens;
using MusicCluster.Music.Training;
using Xunit.Abstractions;

namespace MusicCluster.Music.Tests.Scoring;

/// <summary>
/// The shipped model's scorer orders what it should. The JSB chorales may not be copied into the repository, so the
/// pieces in the place of real ones are what the shipped generator (trained on the JSB train split) writes: 64
/// grammar-constrained pieces of 8 bars, sampled in one batch with a fixed seed. Against them: the same pieces with
/// their bars shuffled, and random token sequences of the same lengths, scored through the shipped critic and
/// calibration exactly as `musiccluster score` does.
/// The figures are on real held-out chorales, measured by `musiccluster train-critic` / `eval` and recorded
/// in Music/DefaultModel/README.md: real vs random 1.000, real vs bar-shuffled 0.980 (77 JSB test chorales). The
/// generator's own pieces hold together across bar lines less than Bach's, so their shuffles are harder to tell:
/// the event critic orders these 64 at 0.71, the chorale critic its own at 0.80. The bar-order assertion
/// here is therefore a guard against losing what the fine-tuning gave, not the 0.9 aimed for on real pieces.
/// </summary>
[Collection(TinyModels.Collection)]
public sealed class ShippedModelOrderingTests(ITestOutputHelper output)
{
    private CriticOrderingResult MeasureOnGeneratedPieces(string modelId)
    {
        using var model = new CheckpointScoringModelSource().Load(ShippedModel.CheckpointPathOf(modelId)
            ?? throw new InvalidOperationException($"the build carries no shipped model '{modelId}'"));
        var generator = model.Generator ?? throw new InvalidOperationException("the shipped checkpoint has no generator");
        const int pieces = 64, bars = 8;
        var sampled = PieceGeneration.GenerateBatch(generator, model.Vocabulary, bars, pieces, new SamplingOptions { Temperature = 1.0, Seed = 100 });
        Assert.All(sampled, s => Assert.True(s.Complete));

        var ordering = CriticOrdering.Measure(model.Scorer.Windows, sampled.Select(s => s.Tokens).ToArray(), seed: 1);
        output.WriteLine($"{modelId}: {ordering.Pieces} generated pieces: AUC real vs random " +
            $"{ordering.RealVsRandomAuc:F3}, real vs bar-shuffled {ordering.RealVsShuffledAuc:F3}; " +
            $"mean raw scores {ordering.MeanReal:F3} / {ordering.MeanShuffled:F3} / {ordering.MeanRandom:F3}");
        return ordering;
    }

    /// <param name="minimumShuffledAuc">
    /// A guard below what each critic measured here (the event model's 0.711; the chorale model's 0.795 with the
    /// session-6 critic, which orders real test chorales above their shuffles at 0.942: see Music/DefaultModel/README.md),
    /// so that a replacement critic cannot order bars worse unnoticed.
    /// </param>
    [Theory]
    [InlineData(ShippedModel.ModelId, 0.75)]
    [InlineData(ShippedModel.EventsModelId, 0.65)]
    public void A_shipped_critic_ranks_generated_chorales_above_their_bar_shuffles_and_random_tokens(string modelId, double minimumShuffledAuc)
    {
        var ordering = MeasureOnGeneratedPieces(modelId);
        Assert.True(ordering.RealVsRandomAuc >= 0.99, $"AUC real vs random {ordering.RealVsRandomAuc:F3} < 0.99");
        Assert.True(ordering.RealVsShuffledAuc >= minimumShuffledAuc, $"AUC generated vs their bar shuffles {ordering.RealVsShuffledAuc:F3} < {minimumShuffledAuc}");
    }
}
