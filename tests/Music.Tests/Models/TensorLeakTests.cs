using MusicCluster.Music.Models;
using MusicCluster.Music.Runtime;
using MusicCluster.Music.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MusicCluster.Music.Tests.Models;

/// <summary>
/// Native tensors that are never disposed pile up until the process dies. These tests count the live tensors
/// of the test's thread (DisposeScopeManager.Statistics, which TorchSharp keeps per thread, so tests running in
/// parallel elsewhere do not disturb the count) before and after 100 training steps, and require no growth.
/// </summary>
[Collection(TinyModels.Collection)]
public sealed class TensorLeakTests
{
    private static long LiveTensors()
    {
        // A leaked tensor is counted as live until its finalizer disposes it: settle the finalizers first so
        // that the count only moves for tensors that are still reachable.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return DisposeScopeManager.Statistics.ThreadTotalLiveCount;
    }

    [Fact]
    public void The_live_count_sees_a_tensor_that_is_not_disposed()
    {
        long before = LiveTensors();
        var leaked = zeros(3);
        Assert.Equal(before + 1, LiveTensors());
        leaked.Dispose();
        Assert.Equal(before, LiveTensors());
    }

    [Fact]
    public void Generator_training_steps_leak_no_tensors()
    {
        var config = TinyModels.Config();
        using var model = TinyModels.Generator(config);
        model.train();
        using var optimizer = new ScalarSafeAdam(model.parameters(), lr: 1e-3);
        using var tokens = tensor(TinyModels.Tokens(4 * 17, config.VocabSize, 1), [4, 17], dtype: int64);

        void Step()
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var logits = model.forward(tokens.narrow(1, 0, 16));
            var loss = nn.functional.cross_entropy(logits.reshape(-1, config.VocabSize), tokens.narrow(1, 1, 16).reshape(-1));
            loss.backward();
            nn.utils.clip_grad_norm_(model.parameters(), 1.0);
            optimizer.step();
        }

        Step(); // Adam creates its moment estimates on the first step; they are state, not a leak.
        long before = LiveTensors();
        for (int i = 0; i < 100; i++) Step();
        Assert.Equal(before, LiveTensors());
    }

    [Fact]
    public void Critic_steps_with_a_gradient_penalty_leak_no_tensors()
    {
        var config = TinyModels.Config();
        using var critic = TinyModels.Critic(config);
        critic.train();
        using var optimizer = new ScalarSafeAdam(critic.parameters(), lr: 1e-4, beta1: 0.0, beta2: 0.9);
        using var random = new torch.Generator(3);

        void Step()
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var real = critic.OneHot(randint(0, config.VocabSize, [2, 8], generator: random));
            var fake = randn([2, 8, config.VocabSize], generator: random).softmax(-1);
            var penalty = critic.GradientPenalty(real, fake, random: random);
            var loss = (critic.SequenceScores(fake).mean() - critic.SequenceScores(real).mean()).Plus(penalty.Times(10));
            loss.backward();
            optimizer.step();
        }

        Step();
        long before = LiveTensors();
        for (int i = 0; i < 100; i++) Step();
        Assert.Equal(before, LiveTensors());
    }

    [Fact]
    public void Sampling_and_window_scoring_leak_no_tensors()
    {
        var config = TinyModels.Config(context: 16);
        using var model = TinyModels.Generator(config);
        using var critic = TinyModels.Critic(config);
        int[] tokens = TinyModels.Tokens(30, config.VocabSize, 2).Select(t => (int)t).ToArray();
        Sampler.Sample(model, [1], new SamplingOptions { MaxNewTokens = 2 });
        critic.ScoreWindows(tokens, [new(0, 16)]);

        long before = LiveTensors();
        for (int i = 0; i < 5; i++)
        {
            // 20 tokens over a 16-token context: the KV cache is reset once as the window slides.
            Sampler.Sample(model, [1], new SamplingOptions { MaxNewTokens = 20, Seed = i });
            Sampler.Sample(model, [1], new SamplingOptions { MaxNewTokens = 20, Seed = i, UseKvCache = false });
            critic.ScoreWindows(tokens, [new(0, 16), new(4, 20), new(14, 30)], batchSize: 2);
        }
        Assert.Equal(before, LiveTensors());
    }

    [Fact]
    public void Harmonising_and_training_with_a_melody_encoder_leak_no_tensors()
    {
        using var model = MelodyEncoderTests.Listening();
        var layout = new Music.Tokens.JsbHarmonyTokenizer();
        var melody = Music.Harmony.SopranoMelody.FromPiece(Tests.Harmony.HarmoniserTests.Tune(bars: 2, seed: 1));
        var grid = MelodyEncoderTests.Chorales(1, seed: 4)[0];
        int[] sequence = [Music.Tokens.JsbGridTokenizer.BeginId, .. layout.EncodeGrid(grid)];
        var conditioning = MelodyConditioning.FromSequence(layout, sequence);
        using var optimizer = new ScalarSafeAdam(model.parameters(), lr: 1e-4);
        using var input = tensor(sequence.Take(48).Select(t => (long)t).ToArray(), [1, 48], dtype: int64);
        using var target = tensor(sequence.Skip(1).Take(48).Select(t => (long)t).ToArray(), [48], dtype: int64);

        void Harmonise(int seed) => Music.Harmony.Harmoniser.Harmonise(model, layout.Vocabulary, melody, new SamplingOptions { Seed = seed });

        void Step()
        {
            using var scope = NewDisposeScope();
            model.train();
            optimizer.zero_grad();
            var context = MelodyConditioning.WindowsContext(model, [conditioning], [0], 48);
            var loss = nn.functional.cross_entropy(model.forward(input, context).reshape(-1, model.Config.VocabSize), target);
            loss.backward();
            optimizer.step();
            model.eval();
        }

        Harmonise(0);
        Step();
        long before = LiveTensors();
        for (int i = 0; i < 3; i++)
        {
            Harmonise(i);
            Step();
        }
        Assert.Equal(before, LiveTensors());
    }
}
