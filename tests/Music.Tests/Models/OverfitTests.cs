using MusicCluster.Music.Models;
using MusicCluster.Music.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MusicCluster.Music.Tests.Models;

/// <summary>End to end: the generator can learn, and what it learned comes back out of the sampler.</summary>
[Collection(TinyModels.Collection)]
public sealed class OverfitTests
{
    // Period 6, and 1 is followed by 4 once and by 5 once: predicting it needs more than the previous token.
    private static readonly int[] Pattern = [3, 1, 4, 1, 5, 2];

    [Fact]
    public void A_two_layer_generator_learns_a_repeating_sequence()
    {
        var config = TinyModels.Config(vocab: 8, context: 24, layers: 2, heads: 2, width: 32, feedForward: 64);
        using var model = TinyModels.Generator(config, seed: 11);
        model.train();
        using var optimizer = new ScalarSafeAdam(model.parameters(), lr: 3e-3);
        // Every phase of the pattern as a start, so each position has seen each context.
        long[] ids = Enumerable.Range(0, Pattern.Length)
            .SelectMany(offset => Enumerable.Range(offset, 25).Select(i => (long)Pattern[i % Pattern.Length]))
            .ToArray();
        using var batch = tensor(ids, [Pattern.Length, 25], dtype: int64);

        double firstLoss = 0, loss = 0;
        for (int step = 0; step < 300; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var logits = model.forward(batch.narrow(1, 0, 24));
            var objective = nn.functional.cross_entropy(logits.reshape(-1, config.VocabSize), batch.narrow(1, 1, 24).reshape(-1));
            objective.backward();
            optimizer.step();
            loss = objective.item<float>();
            if (step == 0) firstLoss = loss;
        }

        Assert.True(firstLoss > 1.5, $"an untrained model should be near ln 8 = 2.08 nats, was {firstLoss}");
        Assert.True(loss < 0.05, $"loss after 300 steps {loss} (from {firstLoss})");

        var continued = Sampler.Sample(model, [3, 1, 4], new SamplingOptions { Temperature = 0, MaxNewTokens = 30 });
        Assert.Equal(Enumerable.Range(0, 33).Select(i => Pattern[i % Pattern.Length]), continued.Tokens);
    }
}
