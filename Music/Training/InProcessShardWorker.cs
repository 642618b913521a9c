using System.Diagnostics;

namespace MusicCluster.Music.Training;

/// <summary>
/// A worker in this process whose vectors still travel as the binary chunks a message between silos carries
/// (<see cref="TensorChunks"/>): the bytes are counted and the encoding and decoding timed as its transfer. With it a
/// run, a test or the bench measures data-parallel training in one process; the network's own time is not in it.
/// </summary>
public sealed class InProcessShardWorker(TrainerShardWorker inner) : IDataParallelWorker
{
    public string Name => inner.Name;

    public string Location => inner.Location;

    public async Task<ShardWork> ComputeGradientAsync(long step, IReadOnlyList<int> shards) =>
        Carry(await inner.ComputeGradientAsync(step, shards));

    public Task<TransferReceipt> ApplyGradientAsync(long step, float[] gradient, double peakRate)
    {
        var (received, receipt) = Move(gradient);
        var applied = inner.ApplyGradientAsync(step, received, peakRate).GetAwaiter().GetResult();
        return Task.FromResult(receipt with { ComputeSeconds = applied.ComputeSeconds });
    }

    public async Task<ShardWork> TrainLocalAsync(long step, int steps, IReadOnlyList<int> shards, double peakRate) =>
        Carry(await inner.TrainLocalAsync(step, steps, shards, peakRate));

    public Task<TransferReceipt> SetParametersAsync(long step, float[] parameters)
    {
        var (received, receipt) = Move(parameters);
        inner.SetParametersAsync(step, received).GetAwaiter().GetResult();
        return Task.FromResult(receipt);
    }

    private static ShardWork Carry(ShardWork work)
    {
        var (received, receipt) = Move(work.Vector);
        return work with { Vector = received, BytesMoved = receipt.BytesMoved, TransferSeconds = receipt.TransferSeconds };
    }

    private static (float[] Received, TransferReceipt Receipt) Move(float[] vector)
    {
        var clock = Stopwatch.StartNew();
        var chunks = TensorChunks.Encode(vector);
        float[] received = TensorChunks.Decode(chunks, vector.Length);
        return (received, new TransferReceipt(chunks.Sum(c => (long)c.Length), clock.Elapsed.TotalSeconds));
    }

    public void Dispose() => inner.Dispose();
}
