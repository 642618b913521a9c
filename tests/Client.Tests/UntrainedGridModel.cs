using Microsoft.Extensions.DependencyInjection;
using MusicCluster.Grains.Interfaces.Models;
using MusicCluster.Music.Models;
using MusicCluster.Music.Storage;
using MusicCluster.Music.Storage.Checkpoints;
using MusicCluster.Music.Tokens;
using MusicCluster.Music.Training;

namespace MusicCluster.Client.Tests;

/// <summary>
/// A tiny untrained grid (four-part chorale) model, saved in a Client's data folder and registered with its model
/// registry, so HTTP tests can ask what a grid model accepts without training one or shipping one.
/// </summary>
internal static class UntrainedGridModel
{
    /// <summary>Saves and registers the model; returns the id a request names it by ("modelId/checkpointId").</summary>
    public static async Task<string> RegisterAsync(ClientFactory factory, string modelId, int contextLength = 256)
    {
        var vocabulary = new JsbGridTokenizer().Vocabulary;
        var config = RunConfig.DefaultFor(vocabulary) with
        {
            Model = RunConfig.DefaultFor(vocabulary).Model with { ContextLength = contextLength, Layers = 1, Heads = 2, ModelWidth = 16, FeedForwardWidth = 32, Dropout = 0 },
        };
        TorchSharp.torch.random.manual_seed(1);
        using var generator = new TransformerGenerator(config.Model);
        var info = new CheckpointInfo { RunConfig = config, Vocabulary = vocabulary, Step = 0, Phase = TrainingPhase.Mle };
        const string checkpointId = "step-0";
        await new CheckpointStore(new LocalFolderBlobStore(factory.Settings.DataPath)).SaveAsync(modelId, checkpointId, ModelCheckpoint.Pack(info, generator));
        await factory.Services.GetRequiredService<IClusterClient>().GetGrain<IModelRegistryGrain>(0).RegisterCheckpointAsync(new CheckpointEntry(
            new ModelRef(modelId, checkpointId), 0, DateTimeOffset.UtcNow, new Dictionary<string, double>(), RunId: null, Calibrated: false,
            Tokenizer: vocabulary.Kind));
        return $"{modelId}/{checkpointId}";
    }
}
