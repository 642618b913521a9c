using MusicCluster.Music.Models;
using MusicCluster.Music.Runtime;
using MusicCluster.Music.Training;

namespace MusicCluster.Cli.Commands;

/// <summary>
/// Two libtorch threads against one, in this one process: the plain sampling loop (1 and 32 rows), the silo's engine
/// (a model worker configured with 1 or 2 threads, its critic lane alike), the critic's windows (batch 1 and 32) and
/// training steps of the bench model, each run with both counts in interleaved rounds, so a drift of the machine's load
/// falls on both alike (whole runs with <c>--threads 1</c> and <c>--threads 2</c> one after another differed by as much
/// as the machine drifts between runs, 25%). Figures <c>twoThreadSpeedup.{what}</c> = median at two threads / median at
/// one (higher is better; at least about 1 says two threads are not slower). Only on a machine with two cores or more.
/// </summary>
internal static class ThreadsBenchmark
{
    public const int Rounds = 5;

    private static readonly int[] Counts = [1, 2];

    public static void Measure(TransformerConfig benchModel, bool quick, IDictionary<string, double> figures)
    {
        if (Environment.ProcessorCount < 2) return;
        string data = Path.Combine(Path.GetTempPath(), $"musiccluster-bench-threads-{Guid.NewGuid():N}");
        int before = TorchSharp.torch.get_num_threads();
        try
        {
            Task.Run(() => MeasureAsync(benchModel, quick, data, figures)).GetAwaiter().GetResult();
        }
        finally
        {
            TorchThreads.Use(before);
            try { Directory.Delete(data, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static async Task MeasureAsync(TransformerConfig benchModel, bool quick, string data, IDictionary<string, double> figures)
    {
        int bars = quick ? 1 : 4;
        string path = ShippedModel.CheckpointPath ?? throw new InvalidOperationException("this build carries no shipped model");
        using var checkpoint = ModelCheckpoint.LoadFile(path);
        var workers = new Dictionary<int, Grains.Inference.ModelWorker>();
        try
        {
            foreach (int threads in Counts) workers[threads] = await SessionsBenchmark.EngineWorkerAsync(Path.Combine(data, $"engine-{threads}"), threads);
            var samples = new Dictionary<string, List<double>>();
            async Task RoundAsync(bool record)
            {
                foreach (int threads in Counts)
                {
                    // This thread runs the plain loop, the critic's windows and training with the count under test.
                    TorchThreads.Use(threads);
                    void Add(string name, double value)
                    {
                        if (!record) return;
                        string key = $"{name}.{threads}";
                        if (!samples.TryGetValue(key, out var values)) samples[key] = values = [];
                        values.Add(value);
                    }
                    foreach (int rows in new[] { 1, 32 })
                    {
                        Add($"plain.{rows}", SessionsBenchmark.PlainBatch(checkpoint, rows, bars));
                        Add($"engine.{rows}", await SessionsBenchmark.EngineAsync(workers[threads], rows, bars));
                        Add($"scoreBatch{rows}", ModelBenchmarks.MeasureCriticWindows(benchModel, rows, windowLength: quick ? 16 : 64, windows: quick ? 32 : 64)
                            .WindowsPerSecond);
                    }
                    Add("train", ModelBenchmarks.MeasureTraining(benchModel, batchSize: quick ? 2 : 8, sequenceLength: quick ? 32 : 128, steps: quick ? 2 : 3)
                        .TokensPerSecond);
                }
            }
            await RoundAsync(record: false); // untimed: loads and the JIT's tiers, as in the sessions section
            for (int round = 0; round < (quick ? 1 : Rounds); round++) await RoundAsync(record: true);
            foreach (string name in samples.Keys.Where(k => k.EndsWith(".1", StringComparison.Ordinal)).Select(k => k[..^2]).ToList())
                figures[$"twoThreadSpeedup.{name}"] = SessionsBenchmark.Median(samples[$"{name}.2"]) / SessionsBenchmark.Median(samples[$"{name}.1"]);
        }
        finally
        {
            foreach (var worker in workers.Values) worker.Dispose();
        }
    }
}
