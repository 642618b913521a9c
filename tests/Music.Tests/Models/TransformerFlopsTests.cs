using MusicCluster.Music.Models;

namespace MusicCluster.Music.Tests.Models;

[Collection(TinyModels.Collection)]
public sealed class TransformerFlopsTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Forward_flops_are_two_per_weight_matrix_parameter_plus_attention(bool tied)
    {
        // Independent of the formula: count the weights that multiply activations in the real model. Every
        // matrix weight is one multiply-add per token; the embedding is a lookup unless it doubles as the head.
        var config = TinyModels.Config(vocab: 50, width: 32, feedForward: 96, layers: 3, tied: tied);
        using var model = TinyModels.Generator(config);
        long matrixWeights = model.named_parameters()
            .Where(p => p.parameter.dim() == 2 && (p.name != "tokenEmbedding" || tied))
            .Sum(p => p.parameter.numel());
        const int length = 20;
        double attention = config.Layers * 4.0 * length * config.ModelWidth;
        Assert.Equal(2.0 * matrixWeights + attention, TransformerFlops.ForwardFlopsPerToken(config, length), 6);
        Assert.Equal(3 * 8 * length * TransformerFlops.ForwardFlopsPerToken(config, length), TransformerFlops.TrainingStepFlops(config, 8, length), 6);
    }

    [Fact]
    public void Benchmark_helpers_measure_the_work_they_are_given()
    {
        var config = TinyModels.Config(context: 32);
        Assert.True(ModelBenchmarks.GemmGflops(size: 64, repeats: 2) > 0);
        var generation = ModelBenchmarks.MeasureGeneration(config, newTokens: 10);
        Assert.Equal(10, generation.NewTokens);
        Assert.True(generation.TokensPerSecondWithCache > 0 && generation.TokensPerSecondWithoutCache > 0);
        Assert.Equal(generation.TokensPerSecondWithCache / generation.TokensPerSecondWithoutCache, generation.KvCacheSpeedup, 9);
        Assert.True(generation.FirstTokenMilliseconds > 0);
        var critic = ModelBenchmarks.MeasureCriticWindows(config, batchSize: 4, windowLength: 40, windows: 6);
        Assert.Equal(32, critic.WindowLength);
        Assert.True(critic.WindowsPerSecond > 0);
        var training = ModelBenchmarks.MeasureTraining(config, batchSize: 2, sequenceLength: 64, steps: 2);
        Assert.Equal(32, training.SequenceLength);
        Assert.Equal(TransformerFlops.TrainingFlopsPerToken(config, 32), training.FlopsPerSecond / training.TokensPerSecond, 3);
    }
}
