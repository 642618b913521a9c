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

    /// <summary>
    /// Runs on the calling thread throughout, waiting for the engine's jobs rather than awaiting them: libtorch's count
    /// is per OS thread, and an await may resume the plain loop, the critic or training on a pool thread with another.
    /// </summary>
    public static void Measure(TransformerConfig benchModel, bool quick, IDictionary<string, double> figures)
    {
        if (Environment.ProcessorCount < 2) return;
        string data = Path.Combine(Path.GetTempPath(), $"musiccluster-bench-threads-{Guid.NewGuid():N}");
        int before = TorchSharp.torch.get_num_threads();
        var workers = new Dictionary<int, Grains.Inference.ModelWorker>();
        try
        {
            int bars = quick ? 1 : 4;
            string path = ShippedModel.CheckpointPath ?? throw new InvalidOperationException("this build carries no shipped model");
            using var checkpoint = ModelCheckpoint.LoadFile(path);
            foreach (int threads in Counts)
                workers[threads] = SessionsBenchmark.EngineWorkerAsync(Path.Combine(data, $"engine-{threads}"), threads).GetAwaiter().GetResult();
            var samples = new RoundSamples();
            void Round(bool record)
            {
                foreach (int threads in Counts)
                {
                    TorchThreads.Use(threads);
                    void Add(string name, double value)
                    {
                        if (record) samples.Add($"{name}.{threads}", value);
                    }
                    foreach (int rows in new[] { 1, 32 })
                    {
                        Add($"plain.{rows}", SessionsBenchmark.PlainBatch(checkpoint, rows, bars));
                        Add($"engine.{rows}", SessionsBenchmark.EngineAsync(workers[threads], rows, bars).GetAwaiter().GetResult());
                        Add($"scoreBatch{rows}", ModelBenchmarks.MeasureCriticWindows(benchModel, rows, windowLength: quick ? 16 : 64, windows: quick ? 32 : 64)
                            .WindowsPerSecond);
                    }
                    Add("train", ModelBenchmarks.MeasureTraining(benchModel, batchSize: quick ? 2 : 8, sequenceLength: quick ? 32 : 128, steps: quick ? 2 : 3)
                        .TokensPerSecond);
                }
            }
            Round(record: false); // untimed: loads and the JIT's tiers, as in the sessions section
            for (int round = 0; round < (quick ? 1 : Rounds); round++) Round(record: true);
            foreach (string name in samples.Names.Where(k => k.EndsWith(".1", StringComparison.Ordinal)).Select(k => k[..^2]).ToList())
                figures[$"twoThreadSpeedup.{name}"] = samples.Median($"{name}.2") / samples.Median($"{name}.1");
        }
        finally
        {
            foreach (var worker in workers.Values) worker.Dispose();
            TorchThreads.Use(before);
            try { Directory.Delete(data, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
