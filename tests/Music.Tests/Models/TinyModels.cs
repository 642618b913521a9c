using MusicCluster.Music.Models;
using TorchSharp;

namespace MusicCluster.Music.Tests.Models;

/// <summary>
/// Small configs and seeded models for the model tests. The tests of this folder share one collection, so they
/// run one at a time: weight initialisation draws from libtorch's process-wide generator, and seeding it only
/// makes a model reproducible when no other model is being built at the same moment.
/// </summary>
internal static class TinyModels
{
    public const string Collection = "Torch models";

    static TinyModels()
    {
        // libtorch's worker threads spin while they wait; on a machine whose cores are busy with other builds
        // and tests that turns a 10 ms training step into hundreds. These models are far too small to gain
        // from a second thread.
        torch.set_num_threads(1);
    }

    public static TransformerConfig Config(int vocab = 12, int context = 32, int layers = 2, int heads = 2, int width = 16,
        int feedForward = 32, double dropout = 0.0, bool tied = true) => new()
        {
            VocabSize = vocab,
            ContextLength = context,
            Layers = layers,
            Heads = heads,
            ModelWidth = width,
            FeedForwardWidth = feedForward,
            Dropout = dropout,
            TiedOutput = tied,
        };

    public static TransformerGenerator Generator(TransformerConfig config, long seed = 1)
    {
        torch.random.manual_seed(seed);
        var model = new TransformerGenerator(config);
        model.eval();
        return model;
    }

    public static TransformerCritic Critic(TransformerConfig config, long seed = 2)
    {
        torch.random.manual_seed(seed);
        var model = new TransformerCritic(config);
        model.eval();
        return model;
    }

    /// <summary>Deterministic pseudo-random token ids in [0, vocab) without touching libtorch's generator.</summary>
    public static long[] Tokens(int count, int vocab, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (long)random.Next(vocab)).ToArray();
    }
}

[CollectionDefinition(TinyModels.Collection)]
public sealed class TorchModelsCollection;
