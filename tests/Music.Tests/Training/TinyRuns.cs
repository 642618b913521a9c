using MusicCluster.Music.Data;
using MusicCluster.Music.Models;
using MusicCluster.Music.Tokens;
using MusicCluster.Music.Training;

namespace MusicCluster.Music.Tests.Training;

/// <summary>Tiny run configs and data (the synthetic corpus in event tokens) for the training tests.</summary>
internal static class TinyRuns
{
    private static readonly Lazy<(Vocabulary Vocabulary, List<int[]> Train, List<int[]> Valid)> corpus = new(() =>
    {
        var tokenizer = new EventTokenizer();
        var pieces = SyntheticCorpus.Generate(12, seed: 5).Select(tokenizer.Encode).ToList();
        return (tokenizer.Vocabulary, pieces.Take(10).ToList(), pieces.Skip(10).ToList());
    });

    public static Vocabulary Vocabulary => corpus.Value.Vocabulary;
    public static IReadOnlyList<int[]> Train => corpus.Value.Train;
    public static IReadOnlyList<int[]> Valid => corpus.Value.Valid;

    public static RunConfig Config(int mleSteps = 40, int adversarialSteps = 0, double dropout = 0.0, int context = 32, long seed = 7) => new()
    {
        Model = new TransformerConfig
        {
            VocabSize = Vocabulary.Count,
            ContextLength = context,
            Layers = 2,
            Heads = 2,
            ModelWidth = 32,
            FeedForwardWidth = 64,
            Dropout = dropout,
            PadTokenId = EventVocabulary.PadId,
        },
        Critic = new CriticArchitecture { Layers = 1, Heads = 2, ModelWidth = 16, FeedForwardWidth = 32, Dropout = dropout },
        Seed = seed,
        BatchSize = 4,
        LearningRate = 3e-3,
        WarmupSteps = 5,
        MleSteps = mleSteps,
        AdversarialSteps = adversarialSteps,
        CriticSteps = 2,
        AdversarialLearningRate = 1e-4,
        ValidateEvery = 0,
        CheckpointEvery = 0,
        CheckpointMinutes = 0,
    };

    public static Trainer NewTrainer(RunConfig config)
    {
        // Tiny models gain nothing from a second libtorch thread on a busy machine (see TinyModels).
        TorchSharp.torch.set_num_threads(1);
        return new Trainer(config, Vocabulary, Train, Valid, new DatasetReference("synthetic-test", new string('0', 64)));
    }
}
