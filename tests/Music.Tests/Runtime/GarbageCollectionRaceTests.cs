using MusicCluster.Music.Models;
using MusicCluster.Music.Tests.Models;
using MusicCluster.Music.Tests.Training;

namespace MusicCluster.Music.Tests.Runtime;

/// <summary>
/// Tensor work on the test's thread while another thread keeps starting garbage collections, the way a silo's
/// request threads do while its inference and training threads compute. Before TorchScalars, a TorchSharp Adam
/// step failed here within seconds ("Expected false to be true" from c10::Scalar::toFloat): a temporary Scalar
/// was finalized while libtorch still read it. The static check (TorchScalarRulesTests) finds the calls that make
/// such temporaries; these tests run the main paths to show nothing else does.
/// </summary>
[Collection(TinyModels.Collection)]
public sealed class GarbageCollectionRaceTests
{
    private const int MinimumCollections = 100;

    /// <summary>Runs <paramref name="work"/> once while another thread collects; at least 100 collections must fall within it.</summary>
    private static void WhileCollecting(Action work) => Collecting(_ => work());

    /// <summary>
    /// Repeats <paramref name="round"/> (at least <paramref name="rounds"/> times) until 100 collections have run beside
    /// it: how long a round takes depends on the machine and the model code, the number of collections it meets must not.
    /// </summary>
    private static void RepeatWhileCollecting(int rounds, Action<int> round) => Collecting(collections =>
    {
        for (int i = 0; i < rounds || collections() <= MinimumCollections; i++) round(i);
    });

    private static void Collecting(Action<Func<int>> work)
    {
        using var stop = new CancellationTokenSource();
        int collections = 0;
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect(0);
                GC.WaitForPendingFinalizers();
                Interlocked.Increment(ref collections);
            }
        })
        { IsBackground = true };
        collector.Start();
        try
        {
            work(() => Volatile.Read(ref collections));
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }
        Assert.True(collections > MinimumCollections, $"only {collections} collections ran during the work");
    }

    [Fact]
    public void Maximum_likelihood_and_adversarial_training_survive_collections_on_another_thread()
    {
        var config = TinyRuns.Config(mleSteps: 40, adversarialSteps: 40, context: 16) with { CriticSteps = 2, ValidateEvery = 20 };
        using var trainer = TinyRuns.NewTrainer(config);
        WhileCollecting(() =>
        {
            var result = trainer.Run();
            Assert.Equal(config.TotalSteps, result.Step);
        });
    }

    [Fact]
    public void Sampling_and_scoring_survive_collections_on_another_thread()
    {
        var config = TinyModels.Config(context: 16);
        using var model = TinyModels.Generator(config);
        using var critic = TinyModels.Critic(config);
        int[] tokens = TinyModels.Tokens(64, config.VocabSize, 3).Select(t => (int)t).ToArray();
        RepeatWhileCollecting(rounds: 20, round =>
        {
            var sampled = Sampler.Sample(model, [1], new SamplingOptions { MaxNewTokens = 40, Seed = round });
            Assert.Equal(41, sampled.Tokens.Count);
            var scores = critic.ScoreWindows(tokens, [new(0, 16), new(16, 32), new(40, 56)]);
            Assert.All(scores, score => Assert.True(double.IsFinite(score)));
        });
    }
}
