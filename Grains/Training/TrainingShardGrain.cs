using Microsoft.Extensions.Logging;
using MusicCluster.Grains.Interfaces.Training;
using MusicCluster.Music.Storage;
using MusicCluster.Music.Storage.Checkpoints;
using MusicCluster.Music.Training;
using Orleans.Placement;

namespace MusicCluster.Grains.Training;

/// <summary>
/// A data-parallel worker of a training run (see <see cref="ITrainingShardGrain"/>): a <see cref="TrainerShardWorker"/>
/// on a <see cref="ShardThread"/> of the silo its run placed it on. It keeps the vector its last compute produced
/// until the run has read it, and assembles the chunks the run writes before applying them. Every call is checked
/// against the worker's epoch, and the worker itself refuses any step but the one it is at.
/// </summary>
[RandomPlacement] // random placement honours the run's placement hint
public sealed class TrainingShardGrain(
    IBlobStore store,
    TrainingDatasets datasets,
    ILocalSiloDetails silo,
    ILogger<TrainingShardGrain> logger) : Grain, ITrainingShardGrain
{
    private ShardThread? thread;
    private TrainerShardWorker? worker;
    private long epoch;
    private (long Step, IReadOnlyList<byte[]> Chunks)? outgoing;
    private (long Step, byte[]?[] Chunks)? incoming;

    private string ThisSilo => silo.SiloAddress.ToParsableString();

    public Task<string> GetSiloAsync() => Task.FromResult(ThisSilo);

    public async Task<string> StartAsync(TrainingShardAssignment assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        if (assignment.Epoch < epoch) throw Stale(assignment.Epoch);
        await StopWorkerAsync();
        epoch = assignment.Epoch;
        var config = RunConfig.FromJson(assignment.ConfigJson);
        string dataset = assignment.Dataset;
        string folder = await Task.Run(() => datasets.LocalFolderAsync(dataset));
        string name = $"worker {this.GetPrimaryKeyString()[(assignment.RunId.Length + 1)..]}";
        thread = new ShardThread($"training {this.GetPrimaryKeyString()}");
        worker = await thread.RunAsync(() => Load(assignment, config, folder, name));
        // No DelayDeactivation: its run calls it every step or round, and a worker whose run died (its silo with it) is
        // collected as idle by Orleans, its model freed in OnDeactivateAsync.
        logger.LogInformation("Training worker {Worker} (epoch {Epoch}) ready at step {Step}", this.GetPrimaryKeyString(), epoch, worker.Step);
        return ThisSilo;
    }

    private TrainerShardWorker Load(TrainingShardAssignment assignment, RunConfig config, string folder, string name)
    {
        var data = TrainingData.Load(folder);
        Trainer trainer;
        if (assignment.ResumeModelId is { } modelId && assignment.ResumeCheckpointId is { } checkpointId)
        {
            var archive = new CheckpointStore(store).LoadAsync(modelId, checkpointId).GetAwaiter().GetResult();
            string blob = $"models/{modelId}/{checkpointId}.ckpt";
            trainer = Trainer.Resume(ModelCheckpoint.Unpack(archive, blob, data.Vocabulary), blob, data.Vocabulary, data.Train, data.Valid, data.Dataset);
        }
        else
        {
            trainer = new Trainer(config, data.Vocabulary, data.Train, data.Valid, data.Dataset);
        }
        if (trainer.Step != assignment.StartStep)
            throw new InvalidOperationException($"{name}: its checkpoint is at step {trainer.Step}, the run at {assignment.StartStep}");
        trainer.LearningRate = assignment.LearningRate;
        return new TrainerShardWorker(trainer, name, ownsTrainer: true, location: ThisSilo);
    }

    public Task<TrainingShardResult> ComputeGradientAsync(TrainingShardCall call) =>
        ProduceAsync(call, w => w.ComputeGradientAsync(call.Step, call.Shards).GetAwaiter().GetResult());

    public Task<TrainingShardResult> TrainLocalAsync(TrainingShardCall call) =>
        ProduceAsync(call, w => w.TrainLocalAsync(call.Step, call.Steps, call.Shards, call.PeakRate).GetAwaiter().GetResult());

    private async Task<TrainingShardResult> ProduceAsync(TrainingShardCall call, Func<TrainerShardWorker, ShardWork> produce)
    {
        var (running, shardThread) = Require(call.Epoch);
        outgoing = null;
        var (work, chunks) = await shardThread.RunAsync(() =>
        {
            var result = produce(running);
            return (result, TensorChunks.Encode(result.Vector));
        });
        outgoing = (call.Step, chunks);
        return new TrainingShardResult(epoch, call.Step, work.Losses.Select(l => l.Loss).ToList(), work.Losses.Select(l => l.Tokens).ToList(),
            work.Vector.Length, chunks.Count, work.ComputeSeconds);
    }

    public Task<TrainingTensorChunk> ReadChunkAsync(long callEpoch, long step, int index)
    {
        Require(callEpoch);
        if (outgoing is not { } vector || vector.Step != step)
            throw new StaleStepException($"{this.GetPrimaryKeyString()}: chunk {index} of step {step} asked for, " +
                $"but it holds {(outgoing is { } o ? $"step {o.Step}'s" : "no")} vector");
        if (index < 0 || index >= vector.Chunks.Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"the vector of step {step} has {vector.Chunks.Count} chunks");
        return Task.FromResult(new TrainingTensorChunk(epoch, step, index, vector.Chunks[index]));
    }

    public Task WriteChunkAsync(TrainingTensorChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        Require(chunk.Epoch);
        if (chunk.Index is < 0 or > 1 << 16) throw new ArgumentOutOfRangeException(nameof(chunk), chunk.Index, "chunk index");
        if (chunk.Bytes is null || chunk.Bytes.Length > TensorChunks.MaxChunkBytes)
            throw new ArgumentException($"chunk {chunk.Index}: {chunk.Bytes?.Length ?? 0} bytes, at most {TensorChunks.MaxChunkBytes} allowed");
        // Chunks of another step than the one being assembled start a new vector: an unfinished older one is dropped.
        if (incoming is not { } assembling || assembling.Step != chunk.Step) incoming = assembling = (chunk.Step, new byte[]?[chunk.Index + 1]);
        var parts = assembling.Chunks;
        if (chunk.Index >= parts.Length) Array.Resize(ref parts, chunk.Index + 1);
        parts[chunk.Index] = chunk.Bytes;
        incoming = (chunk.Step, parts);
        return Task.CompletedTask;
    }

    public async Task ApplyAsync(TrainingShardApply apply)
    {
        ArgumentNullException.ThrowIfNull(apply);
        var (running, shardThread) = Require(apply.Epoch);
        if (incoming is not { } assembling || assembling.Step != apply.Step || assembling.Chunks.Length != apply.Chunks)
            throw new StaleStepException($"{this.GetPrimaryKeyString()}: apply of step {apply.Step} with {apply.Chunks} chunks, but it " +
                $"holds {(incoming is { } i ? $"{i.Chunks.Length} chunk(s) of step {i.Step}" : "no chunks")}");
        incoming = null;
        var chunks = assembling.Chunks.Select((c, n) => c ?? throw new ArgumentException($"chunk {n} of step {apply.Step} never arrived")).ToList();
        await shardThread.RunAsync(() =>
        {
            float[] vector = TensorChunks.Decode(chunks, apply.Floats);
            return apply.Parameters
                ? running.SetParametersAsync(apply.Step, vector).GetAwaiter().GetResult()
                : running.ApplyGradientAsync(apply.Step, vector, apply.PeakRate).GetAwaiter().GetResult();
        });
    }

    public async Task StopAsync(long callEpoch)
    {
        if (callEpoch < epoch) return; // a newer run epoch owns this worker
        await StopWorkerAsync();
        DeactivateOnIdle();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => await StopWorkerAsync();

    private async Task StopWorkerAsync()
    {
        outgoing = null;
        incoming = null;
        if (worker is { } running && thread is { } shardThread)
        {
            worker = null;
            thread = null;
            try { await shardThread.RunAsync(() => { running.Dispose(); return 0; }); }
            finally { shardThread.Dispose(); }
        }
    }

    private (TrainerShardWorker Worker, ShardThread Thread) Require(long callEpoch)
    {
        if (callEpoch < epoch) throw Stale(callEpoch);
        if (callEpoch > epoch || worker is not { } running || thread is not { } shardThread)
            throw new InvalidOperationException($"{this.GetPrimaryKeyString()}: not started for epoch {callEpoch} (this activation " +
                $"on {ThisSilo} holds {(worker is null ? "no model" : $"epoch {epoch}'s")})");
        return (running, shardThread);
    }

    private StaleEpochException Stale(long callEpoch) => new(this.GetPrimaryKeyString(), callEpoch, epoch);
}
