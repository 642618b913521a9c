namespace MusicCluster.Music.Training;

/// <summary>
/// What a worker sends back: per step its mean loss and tokens, a vector (the gradient of its shards in synchronous
/// mode, its parameter change in local mode), the bytes that moved to bring it here and the seconds spent computing
/// and transferring.
/// </summary>
public sealed record ShardWork(ShardLoss[] Losses, float[] Vector, long BytesMoved, double ComputeSeconds, double TransferSeconds);

/// <summary>A worker of a group as a page shows it: its shards and how long its last step or round took (compute + transfer).</summary>
public sealed record DataParallelWorkerInfo(string Name, string Location, IReadOnlyList<int> Shards, double? LastSeconds);

/// <summary>What moving a vector to a worker cost, and the seconds the worker then computed (its optimizer step) where it can tell them apart.</summary>
public readonly record struct TransferReceipt(long BytesMoved, double TransferSeconds, double ComputeSeconds = 0);

/// <summary>A step number a worker did not expect: a stale or out-of-order message, refused before it changes anything.</summary>
public sealed class StaleStepException(string message) : InvalidOperationException(message);

/// <summary>
/// One data-parallel worker as the coordinator (<see cref="DataParallelGroup"/>) sees it: in this process, or a grain
/// on another silo. Every call names the run's step, and a worker refuses a step it is not at
/// (<see cref="StaleStepException"/>), so a late or repeated message cannot write into a newer step.
/// </summary>
public interface IDataParallelWorker : IDisposable
{
    /// <summary>For log lines: "worker 1 on silo ...".</summary>
    string Name { get; }

    /// <summary>Where it trains: "this process", or a silo's address.</summary>
    string Location { get; }

    /// <summary>Synchronous mode: the gradient of <paramref name="shards"/> of step <paramref name="step"/> (no optimizer step).</summary>
    Task<ShardWork> ComputeGradientAsync(long step, IReadOnlyList<int> shards);

    /// <summary>
    /// Synchronous mode: the optimizer step of <paramref name="step"/> with the averaged gradient, at the run's peak
    /// learning rate <paramref name="peakRate"/> (it can change mid-run); the worker is then at step + 1.
    /// </summary>
    Task<TransferReceipt> ApplyGradientAsync(long step, float[] gradient, double peakRate);

    /// <summary>Local mode: <paramref name="steps"/> local steps from <paramref name="step"/>; the vector is the parameter change.</summary>
    Task<ShardWork> TrainLocalAsync(long step, int steps, IReadOnlyList<int> shards, double peakRate);

    /// <summary>Local mode: the parameters after the outer step; the worker is then at <paramref name="step"/>.</summary>
    Task<TransferReceipt> SetParametersAsync(long step, float[] parameters);
}
