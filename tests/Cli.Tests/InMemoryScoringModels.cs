using MusicCluster.Music.Models;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Tokens;
using TorchSharp;

namespace MusicCluster.Cli.Tests;

/// <summary>Tiny untrained event-token models built in memory, standing in for checkpoints. "missing" is not found.</summary>
internal sealed class InMemoryScoringModels : IScoringModelSource
{
    public const string DefaultId = "memory-default", CheckpointId = "ckpt-42";

    static InMemoryScoringModels() => torch.set_num_threads(1);

    public List<string?> Requests { get; } = [];

    public ScoringModel Load(string? model)
    {
        Requests.Add(model);
        if (model == "missing") throw new ScoringModelLoadException("model 'missing' was not found");
        var vocabulary = new EventTokenizer().Vocabulary;
        var config = new TransformerConfig
        {
            VocabSize = vocabulary.Count,
            ContextLength = 128,
            Layers = 1,
            Heads = 2,
            ModelWidth = 16,
            FeedForwardWidth = 32,
            Dropout = 0,
        };
        torch.random.manual_seed(3);
        var critic = new TransformerCritic(config);
        var generator = new TransformerGenerator(config);
        string id = model ?? DefaultId;
        var calibration = ScoreCalibration.Build([-0.5, -0.25, 0, 0.25, 0.5], id, CheckpointId, windowBars: 2);
        return new ScoringModel(id, CheckpointId, critic, generator, vocabulary, calibration, new CriticScorerOptions { WindowBars = 2 });
    }
}
