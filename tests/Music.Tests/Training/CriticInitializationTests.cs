using MusicCluster.Music.Models;
using MusicCluster.Music.Tests.Models;
using MusicCluster.Music.Training;
using static TorchSharp.torch;

namespace MusicCluster.Music.Tests.Training;

[Collection(TinyModels.Collection)]
public sealed class CriticInitializationTests
{
    [Fact]
    public void The_critic_starts_from_the_generators_embedding_and_first_blocks_and_keeps_its_own_head()
    {
        var config = TinyModels.Config(vocab: 20, context: 16, layers: 3, width: 16);
        using var generator = TinyModels.Generator(config, seed: 1);
        using var critic = TinyModels.Critic(config with { Layers = 2 }, seed: 2);
        var headBefore = critic.named_parameters().Where(p => p.name.StartsWith("scoreHead", StringComparison.Ordinal)).Select(p => p.parameter.clone()).ToArray();

        int copied = CriticInitialization.FromGenerator(critic, generator);

        var source = generator.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var copiedNames = critic.named_parameters().Select(p => p.name).Where(n => n == "tokenEmbedding" || n.StartsWith("blocks.", StringComparison.Ordinal)).ToArray();
        Assert.Equal(copiedNames.Length, copied);
        Assert.Contains("blocks.1.attentionNorm.weight", copiedNames);
        foreach (var (name, parameter) in critic.named_parameters().Where(p => copiedNames.Contains(p.name)))
            Assert.True(parameter.allclose(source[name], rtol: 0, atol: 0), $"{name} was not copied");
        var headAfter = critic.named_parameters().Where(p => p.name.StartsWith("scoreHead", StringComparison.Ordinal)).Select(p => p.parameter).ToArray();
        Assert.All(headBefore.Zip(headAfter), pair => Assert.True(pair.First.allclose(pair.Second, rtol: 0, atol: 0)));
        foreach (var tensor in headBefore) tensor.Dispose();
    }

    [Fact]
    public void A_critic_of_another_width_or_with_more_layers_is_refused()
    {
        var config = TinyModels.Config(vocab: 20, context: 16, layers: 2, width: 16);
        using var generator = TinyModels.Generator(config);
        using (var wider = TinyModels.Critic(config with { ModelWidth = 32, FeedForwardWidth = 64 }))
            Assert.Contains("tokenEmbedding", Assert.Throws<ArgumentException>(() => CriticInitialization.FromGenerator(wider, generator)).Message);
        using var deeper = TinyModels.Critic(config with { Layers = 3 });
        Assert.Contains("3 layers", Assert.Throws<ArgumentException>(() => CriticInitialization.FromGenerator(deeper, generator)).Message);
    }
}
