using System.Diagnostics;
using MusicCluster.Music.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MusicCluster.Music.Models;

/// <summary>Sampling speed of a generator with and without the KV cache (tokens per second of one sequence).</summary>
/// <param name="FirstTokenMillisecondsCold">Time to the first token of the first sampling call of a freshly built model.</param>
/// <param name="FirstTokenMilliseconds">The same after warm-up calls.</param>
public sealed record GenerationBenchmark(
    int NewTokens, double TokensPerSecondWithCache, double TokensPerSecondWithoutCache, double KvCacheSpeedup, double FirstTokenMilliseconds,
    double FirstTokenMillisecondsCold = 0);

/// <summary>Raw training throughput of the generator: forward, backward and an Adam step on random tokens (no data loading).</summary>
public sealed record TrainingBenchmark(int BatchSize, int SequenceLength, double TokensPerSecond, double FlopsPerSecond);

/// <summary>How many windows per second the critic scores when it runs <see cref="BatchSize"/> windows per forward pass.</summary>
public sealed record CriticBenchmark(int BatchSize, int WindowLength, int Windows, double WindowsPerSecond);

/// <summary>
/// Measurements for `musiccluster bench` (benchmarks, not tests: they time, they do not judge). Models get random
/// weights, which run exactly as fast as trained ones. Each measurement runs once untimed first, so one-off costs
/// (allocation, kernel selection) are not counted.
/// </summary>
public static class ModelBenchmarks
{
    /// <summary>A small generator/critic of the kind the project trains on a CPU.</summary>
    public static TransformerConfig DefaultConfig { get; } = new()
    {
        VocabSize = 256,
        ContextLength = 512,
        Layers = 4,
        Heads = 4,
        ModelWidth = 256,
        FeedForwardWidth = 1024,
        Dropout = 0.1,
    };

    /// <summary>
    /// Peak achieved GFLOP/s of a size x size fp32 matrix product on the device (CPU by default): rounds of
    /// <paramref name="repeats"/> products for at least <paramref name="minimumTime"/> (and at least three rounds), the
    /// best round's rate. A peak sampled once for a fraction of a second on a shared machine can come out below what the
    /// model's own steps reach (a training MFU above 1); the best of several rounds over seconds is stable.
    /// </summary>
    public static double GemmGflops(int size = 1024, int repeats = 10, Device? device = null, TimeSpan? minimumTime = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        device ??= CPU;
        using var scope = NewDisposeScope();
        using var random = new torch.Generator(1, CPU);
        var a = randn([size, size], dtype: float32, generator: random).to(device);
        var b = randn([size, size], dtype: float32, generator: random).to(device);
        using (NewDisposeScope()) a.matmul(b);
        Synchronize(device);
        var total = Stopwatch.StartNew();
        double best = 0;
        for (int round = 0; round < 3 || total.Elapsed < (minimumTime ?? TimeSpan.Zero); round++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < repeats; i++)
            {
                using var step = NewDisposeScope();
                a.matmul(b);
            }
            Synchronize(device);
            best = Math.Max(best, 2.0 * size * size * size * repeats / clock.Elapsed.TotalSeconds / 1e9);
        }
        return best;
    }

    /// <summary>Samples <paramref name="newTokens"/> tokens (no stop token) after a one-token primer, with and without the KV cache.</summary>
    public static GenerationBenchmark MeasureGeneration(TransformerConfig config, int newTokens = 256, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(newTokens, 1);
        torch.random.manual_seed(1);
        using var model = new TransformerGenerator(config, device ?? CPU);
        var options = new SamplingOptions { Seed = 1, MaxNewTokens = newTokens };
        double coldMs = FirstTokenMilliseconds(model, options with { MaxNewTokens = Math.Min(8, newTokens) });
        // Three warm-up calls, not one: the second and third sampling calls of a process still pay one-off costs
        // (glibc mapping fresh pages for megabytes of tensors until its mmap threshold has risen: docs/performance.md).
        for (int call = 0; call < 3; call++) Sampler.Sample(model, [0], options with { MaxNewTokens = Math.Min(8, newTokens) });

        double firstTokenMs = 0;
        var clock = Stopwatch.StartNew();
        Sampler.Sample(model, [0], options, onToken: _ =>
        {
            if (firstTokenMs == 0) firstTokenMs = clock.Elapsed.TotalMilliseconds;
        });
        double withCache = newTokens / clock.Elapsed.TotalSeconds;

        Sampler.Sample(model, [0], options with { MaxNewTokens = Math.Min(8, newTokens), UseKvCache = false });
        clock.Restart();
        Sampler.Sample(model, [0], options with { UseKvCache = false });
        double withoutCache = newTokens / clock.Elapsed.TotalSeconds;
        return new GenerationBenchmark(newTokens, withCache, withoutCache, withCache / withoutCache, firstTokenMs, coldMs);
    }

    private static double FirstTokenMilliseconds(TransformerGenerator model, SamplingOptions options)
    {
        double ms = 0;
        var clock = Stopwatch.StartNew();
        Sampler.Sample(model, [0], options, onToken: _ =>
        {
            if (ms == 0) ms = clock.Elapsed.TotalMilliseconds;
        });
        return ms;
    }

    /// <summary>
    /// Times <paramref name="steps"/> teacher-forced training steps (cross-entropy, backward, Adam) of batches of
    /// random tokens. FlopsPerSecond uses <see cref="TransformerFlops"/>; divided by <see cref="GemmGflops"/> x 1e9
    /// it is the model FLOP utilisation.
    /// </summary>
    public static TrainingBenchmark MeasureTraining(TransformerConfig config, int batchSize = 8, int sequenceLength = 128, int steps = 5, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        sequenceLength = Math.Clamp(sequenceLength, 1, config.ContextLength);
        device ??= CPU;
        torch.random.manual_seed(4);
        using var model = new TransformerGenerator(config, device);
        model.train();
        using var optimizer = new ScalarSafeAdam(model.parameters(), lr: 1e-4);
        using var random = new torch.Generator(5, CPU);
        using var tokens = randint(0, config.VocabSize, [batchSize, sequenceLength + 1], dtype: int64, generator: random).to(device);

        void Step()
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var logits = model.forward(tokens.narrow(1, 0, sequenceLength));
            var loss = nn.functional.cross_entropy(logits.reshape(-1, config.VocabSize), tokens.narrow(1, 1, sequenceLength).reshape(-1));
            loss.backward();
            optimizer.step();
        }

        Step();
        Synchronize(device);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) Step();
        Synchronize(device);
        double seconds = clock.Elapsed.TotalSeconds;
        double tokensPerSecond = (double)steps * batchSize * sequenceLength / seconds;
        double flopsPerSecond = steps * TransformerFlops.TrainingStepFlops(config, batchSize, sequenceLength) / seconds;
        return new TrainingBenchmark(batchSize, sequenceLength, tokensPerSecond, flopsPerSecond);
    }

    /// <summary>Scores <paramref name="windows"/> windows of <paramref name="windowLength"/> tokens, <paramref name="batchSize"/> per forward pass.</summary>
    public static CriticBenchmark MeasureCriticWindows(TransformerConfig config, int batchSize, int windowLength = 64, int windows = 64, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windows, 1);
        windowLength = Math.Min(windowLength, config.ContextLength);
        torch.random.manual_seed(2);
        using var critic = new TransformerCritic(config, device ?? CPU);
        var random = new Random(3);
        int[] tokens = Enumerable.Range(0, windowLength + windows).Select(_ => random.Next(config.VocabSize)).ToArray();
        // Windows sliding by one token, as a live meter scores the most recent bars after every note.
        var ranges = Enumerable.Range(0, windows).Select(i => new TokenWindow(i, i + windowLength)).ToArray();
        critic.ScoreWindows(tokens, ranges.Take(batchSize).ToArray(), batchSize);
        var clock = Stopwatch.StartNew();
        critic.ScoreWindows(tokens, ranges, batchSize);
        return new CriticBenchmark(batchSize, windowLength, windows, windows / clock.Elapsed.TotalSeconds);
    }

    private static void Synchronize(Device device)
    {
        if (device.type == DeviceType.CUDA) cuda.synchronize(device);
    }
}
