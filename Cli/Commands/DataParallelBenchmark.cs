using MusicCluster.Music.Data;
using MusicCluster.Music.Training;

namespace MusicCluster.Cli.Commands;

/// <summary>
/// Data-parallel training of the shipped model with two workers in this process (<see cref="DataParallelGroup.InProcess"/>):
/// what moves between workers per token trained, and the share of a step spent moving it, in synchronous mode (a
/// gradient up and the average back every step) and local mode (a parameter change up and the new parameters back every
/// localSteps steps). In this process "transfer" is encoding to and decoding from the float32 chunks a message between
/// silos carries; a network adds its own time on top. The tokens are random in-vocabulary ones: neither figure depends
/// on what the windows hold.
/// Figures: dataParallelBytesPerToken.synchronous/.local, dataParallelTransferShare.synchronous/.local (transfer
/// seconds / step seconds, where a step is compute of the slowest worker + transfer + reduce).
/// </summary>
internal static class DataParallelBenchmark
{
    public static void Measure(bool quick, IDictionary<string, double> figures)
    {
        string path = ShippedModel.CheckpointPath ?? throw new InvalidOperationException("this build carries no shipped model (Music/DefaultModel/default.ckpt)");
        var shipped = ModelCheckpoint.LoadFile(path);
        var vocabulary = shipped.Info.Vocabulary;
        var baseConfig = shipped.Info.RunConfig;
        shipped.Generator.Dispose();
        shipped.Critic?.Dispose();
        var train = RandomSequences(vocabulary.Count, count: 8, length: 4 * baseConfig.Model.ContextLength);
        foreach (var mode in new[] { DataParallelMode.Synchronous, DataParallelMode.Local })
        {
            var config = baseConfig with
            {
                Workers = 2,
                ParallelMode = mode,
                BatchSize = quick ? 1 : baseConfig.BatchSize,
                LocalSteps = quick ? 2 : 10,
                MleSteps = 1000,
                AdversarialSteps = 0,
                ValidateEvery = 0,
                CheckpointEvery = 0,
                CheckpointMinutes = 0,
            };
            // Synchronous: a first step (optimizer state created) then the measured ones; local: whole rounds.
            int steps = mode == DataParallelMode.Synchronous ? (quick ? 2 : 4) : config.LocalSteps;
            using var trainer = new Trainer(config, vocabulary, train, []);
            trainer.Run(maxSteps: mode == DataParallelMode.Synchronous ? 1 : config.LocalSteps);
            var measured = trainer.Run(maxSteps: steps).Metrics;
            string key = mode == DataParallelMode.Synchronous ? "synchronous" : "local";
            double tokens = measured.Count * (double)config.Workers * config.BatchSize * config.Model.ContextLength;
            double bytes = measured.Sum(m => m.BytesTransferred ?? 0);
            double transfer = measured.Sum(m => m.TransferSeconds ?? 0);
            // A local round's compute is reported once, on its last step, for the whole round.
            double total = measured.Sum(m => (m.ComputeSeconds ?? 0) + (m.TransferSeconds ?? 0) + (m.ReduceSeconds ?? 0));
            figures[$"dataParallelBytesPerToken.{key}"] = bytes / tokens;
            figures[$"dataParallelTransferShare.{key}"] = total > 0 ? transfer / total : 0;
        }
    }

    private static List<int[]> RandomSequences(int vocabularySize, int count, int length)
    {
        var random = new Random(17);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, length).Select(_ => random.Next(4, vocabularySize)).ToArray()).ToList();
    }
}
