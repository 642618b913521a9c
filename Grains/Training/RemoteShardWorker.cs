using System.Diagnostics;
using MusicCluster.Grains.Interfaces.Training;
using MusicCluster.Music.Training;

namespace MusicCluster.Grains.Training;

/// <summary>
/// A worker grain on another silo as the run's <see cref="DataParallelGroup"/> sees it. Vectors travel as
/// <see cref="TensorChunks"/> (float32, at most 1 MiB a message), read chunk by chunk after a compute and written before
/// an apply. Every call carries the run's epoch and the step, and every answer is checked to be for them: a worker
/// answering for another step is refused (and, being out of step, leaves the group).
/// Called from the run's training thread, never from a grain's scheduler.
/// </summary>
public sealed class RemoteShardWorker(ITrainingShardGrain grain, long epoch, string name, string silo) : IDataParallelWorker
{
    public string Name => name;

    public string Location => silo;

    public async Task<ShardWork> ComputeGradientAsync(long step, IReadOnlyList<int> shards) =>
        await ProduceAsync(step, () => grain.ComputeGradientAsync(new TrainingShardCall(epoch, step, 1, shards, 0)));

    public async Task<ShardWork> TrainLocalAsync(long step, int steps, IReadOnlyList<int> shards, double peakRate) =>
        await ProduceAsync(step, () => grain.TrainLocalAsync(new TrainingShardCall(epoch, step, steps, shards, peakRate)));

    public Task<TransferReceipt> ApplyGradientAsync(long step, float[] gradient, double peakRate) =>
        SendAsync(step, gradient, peakRate, parameters: false);

    public Task<TransferReceipt> SetParametersAsync(long step, float[] parameters) =>
        SendAsync(step, parameters, 0, parameters: true);

    private async Task<ShardWork> ProduceAsync(long step, Func<Task<TrainingShardResult>> call)
    {
        var clock = Stopwatch.StartNew();
        var result = await call();
        if (result.Epoch != epoch || result.Step != step)
            throw new StaleStepException($"{name} answered for epoch {result.Epoch} step {result.Step}, asked for epoch {epoch} step {step}");
        var chunks = await Task.WhenAll(Enumerable.Range(0, result.Chunks).Select(i => grain.ReadChunkAsync(epoch, step, i)));
        for (int i = 0; i < chunks.Length; i++)
            if (chunks[i].Epoch != epoch || chunks[i].Step != step || chunks[i].Index != i)
                throw new StaleStepException($"{name} sent chunk {chunks[i].Index} of epoch {chunks[i].Epoch} step {chunks[i].Step} for chunk {i} of epoch {epoch} step {step}");
        float[] vector = TensorChunks.Decode(chunks.Select(c => c.Bytes).ToList(), result.Floats);
        var losses = result.Losses.Zip(result.Tokens, (loss, tokens) => new ShardLoss(loss, tokens)).ToArray();
        double transfer = Math.Max(0, clock.Elapsed.TotalSeconds - result.ComputeSeconds);
        return new ShardWork(losses, vector, chunks.Sum(c => (long)c.Bytes.Length), result.ComputeSeconds, transfer);
    }

    private async Task<TransferReceipt> SendAsync(long step, float[] vector, double peakRate, bool parameters)
    {
        var clock = Stopwatch.StartNew();
        var chunks = TensorChunks.Encode(vector);
        await Task.WhenAll(chunks.Select((bytes, i) => grain.WriteChunkAsync(new TrainingTensorChunk(epoch, step, i, bytes))));
        await grain.ApplyAsync(new TrainingShardApply(epoch, step, chunks.Count, vector.Length, peakRate, parameters));
        return new TransferReceipt(chunks.Sum(c => (long)c.Length), clock.Elapsed.TotalSeconds);
    }

    /// <summary>Frees the worker's model (one-way: a worker whose silo died cannot answer).</summary>
    public void Dispose() => _ = grain.StopAsync(epoch).ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
}
