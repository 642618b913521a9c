using Orleans.Concurrency;

namespace MusicCluster.Grains.Interfaces.Training;

/// <summary>
/// One data-parallel worker of a training run (key: "{runId}/worker-{n}"), placed by its run on a silo of its own.
/// It trains a copy of the run's model on a dedicated thread of that silo, on its shards of every step's batch, and
/// exchanges gradients or parameter changes with the run as float32 chunks of at most 1 MiB. Every call carries the
/// run's epoch and step: a worker refuses a call of an older epoch or another step than the one it is at, so a stale
/// coordinator or a late message cannot write into a newer step. Workers write nothing to storage: only the run
/// checkpoints.
/// </summary>
public interface ITrainingShardGrain : IGrainWithStringKey
{
    /// <summary>
    /// The silo this worker lives on, before anything is loaded: the first call places it, so its run can check that the
    /// silo it asked for took it (a silo that is leaving the cluster, not yet marked so, does not).
    /// </summary>
    [ReadOnly]
    Task<string> GetSiloAsync();

    /// <summary>Loads the run's data and model (from the checkpoint named, or the seed) for <paramref name="assignment"/>'s epoch; returns the silo it runs on.</summary>
    [ResponseTimeout("00:10:00")]
    Task<string> StartAsync(TrainingShardAssignment assignment);

    /// <summary>Synchronous mode: computes the gradient of the shards of a step; its chunks are then read with <see cref="ReadChunkAsync"/>.</summary>
    [ResponseTimeout("00:10:00")]
    Task<TrainingShardResult> ComputeGradientAsync(TrainingShardCall call);

    /// <summary>Local mode: trains a round of local steps; the chunks of its parameter change are then read with <see cref="ReadChunkAsync"/>.</summary>
    [ResponseTimeout("00:30:00")]
    Task<TrainingShardResult> TrainLocalAsync(TrainingShardCall call);

    /// <summary>One chunk of the vector the last compute or round produced.</summary>
    Task<TrainingTensorChunk> ReadChunkAsync(long epoch, long step, int index);

    /// <summary>One chunk of the vector the run sends (averaged gradient or new parameters), before <see cref="ApplyAsync"/>.</summary>
    Task WriteChunkAsync(TrainingTensorChunk chunk);

    /// <summary>Applies the vector whose chunks were written: the optimizer step of a step (synchronous) or the parameters after a round (local).</summary>
    [ResponseTimeout("00:05:00")]
    Task ApplyAsync(TrainingShardApply apply);

    /// <summary>Ends the worker of this epoch (or any older one) and frees its model.</summary>
    Task StopAsync(long epoch);
}

/// <summary>What a worker trains: the run, its epoch, the config, the dataset, and the checkpoint to start from (null: the seed).</summary>
[GenerateSerializer, Immutable]
public sealed record TrainingShardAssignment(
    [property: Id(0)] string RunId,
    [property: Id(1)] long Epoch,
    [property: Id(2)] string ConfigJson,
    [property: Id(3)] string Dataset,
    [property: Id(4)] string? ResumeModelId,
    [property: Id(5)] string? ResumeCheckpointId,
    [property: Id(6)] long StartStep,
    [property: Id(7)] double LearningRate);

/// <summary>A compute (one step) or a local round (Steps steps) of some shards of the batch, at the run's peak learning rate.</summary>
[GenerateSerializer, Immutable]
public sealed record TrainingShardCall(
    [property: Id(0)] long Epoch,
    [property: Id(1)] long Step,
    [property: Id(2)] int Steps,
    [property: Id(3)] IReadOnlyList<int> Shards,
    [property: Id(4)] double PeakRate);

/// <summary>What a compute or round gave: per step the mean loss and its tokens, the vector's size and chunk count, the seconds of computing.</summary>
[GenerateSerializer, Immutable]
public sealed record TrainingShardResult(
    [property: Id(0)] long Epoch,
    [property: Id(1)] long Step,
    [property: Id(2)] IReadOnlyList<double> Losses,
    [property: Id(3)] IReadOnlyList<long> Tokens,
    [property: Id(4)] long Floats,
    [property: Id(5)] int Chunks,
    [property: Id(6)] double ComputeSeconds);

/// <summary>A piece of a vector: float32 little-endian, at most 1 MiB, tagged with the epoch and step it belongs to.</summary>
[GenerateSerializer, Immutable]
public sealed record TrainingTensorChunk(
    [property: Id(0)] long Epoch,
    [property: Id(1)] long Step,
    [property: Id(2)] int Index,
    [property: Id(3)] byte[] Bytes);

/// <summary>Apply the written vector: synchronous step Step's optimizer step, or the parameters at Step after a local round.</summary>
[GenerateSerializer, Immutable]
public sealed record TrainingShardApply(
    [property: Id(0)] long Epoch,
    [property: Id(1)] long Step,
    [property: Id(2)] int Chunks,
    [property: Id(3)] long Floats,
    [property: Id(4)] double PeakRate,
    [property: Id(5)] bool Parameters);

/// <summary>A worker of a data-parallel run as its page shows it: where it runs, its shards, how long its last step took.</summary>
[GenerateSerializer, Immutable]
public sealed record TrainingWorkerInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] string Silo,
    [property: Id(2)] IReadOnlyList<int> Shards,
    [property: Id(3)] double? StepSeconds);
