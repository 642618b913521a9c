using MusicCluster.Music.Scoring;
using MusicCluster.Music.Tests.Models;
using MusicCluster.Music.Tokens;
using TorchSharp;

namespace MusicCluster.Music.Tests.Scoring;

/// <summary>Live scoring, critic training and NLL leave no native tensors behind (counted per thread, as in TensorLeakTests).</summary>
[Collection(TinyModels.Collection)]
public sealed class CriticScorerLeakTests
{
    private static long LiveTensors()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return DisposeScopeManager.Statistics.ThreadTotalLiveCount;
    }

    [Fact]
    public void Hundred_live_feeds_training_steps_and_nll_windows_leak_no_tensors()
    {
        var vocabulary = new JsbGridTokenizer().Vocabulary;
        using var critic = CriticScorerFixtures.Critic(vocabulary, context: 64, width: 16);
        var windows = new CriticWindowScorer(critic, vocabulary, new CriticScorerOptions { WindowBars = 1, BatchSize = 2 });
        var scorer = new CriticScorer(critic, vocabulary, CriticScorerFixtures.Calibration());
        int[] tokens = Enumerable.Range(0, 64 * 6).Select(i => JsbGridTokenizer.FirstPitchId + 60 + i % 7).ToArray();
        // Warm up once: lazily created tensors (rotary tables, optimizer state) are not leaks.
        scorer.Score(tokens);
        CriticTraining.Train(windows, [tokens], new CriticTrainingOptions { Steps = 2, BatchSize = 2 });

        long before = LiveTensors();
        var live = scorer.StartLive();
        for (int i = 0; i < 100; i++) live.Feed(tokens.AsSpan(i * 3, 3));
        live.Finish();
        CriticTraining.Train(windows, [tokens], new CriticTrainingOptions { Steps = 100, BatchSize = 2, GradientPenaltyInterval = 2 });
        var config = TinyModels.Config(vocab: vocabulary.Count, context: 32, width: 16);
        using (var generator = TinyModels.Generator(config))
        {
            // The generator keeps its rotary tables from its first pass until it is disposed (checked below).
            EvaluationNll.Compute(generator, vocabulary, [tokens], stride: 16, batchSize: 3);
            long withGenerator = LiveTensors();
            EvaluationNll.Compute(generator, vocabulary, Enumerable.Repeat<IReadOnlyList<int>>(tokens, 10).ToArray(), stride: 16, batchSize: 3);
            Assert.Equal(withGenerator, LiveTensors());
        }
        Assert.Equal(before, LiveTensors());
    }
}
