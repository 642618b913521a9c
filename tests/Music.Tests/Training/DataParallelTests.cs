using MusicCluster.Music.Models;
using MusicCluster.Music.Storage.Checkpoints;
using MusicCluster.Music.Tests.Models;
using MusicCluster.Music.Training;
using MusicCluster.TestSupport;

namespace MusicCluster.Music.Tests.Training;

/// <summary>Data-parallel training with workers in this process (<see cref="DataParallelGroup"/>).</summary>
[Collection(TinyModels.Collection)]
public sealed class DataParallelTests
{
    // Synchronous 2 x b against 1 x 2b: the same windows, the same mean loss, the same optimizer. What differs is only the
    // order of float32 sums: one backward pass sums 2b x context rows of every weight gradient at once, two passes sum b x
    // context rows each and the average adds the halves (in double). Gradient elements then differ by a few ulps, AdamW
    // divides by sqrt(v) (near-zero elements move relatively more) and the differences compound over the steps. Measured
    // on this machine: the losses first differ at step 1, by one float32 ulp (2.4e-7 on 6.43 nats), and stay within 2e-6
    // for 50 steps. 1e-4 leaves room for other CPUs' kernels and still fails at once if a shard, the weighting or a step
    // were wrong (those move the loss by 1e-2 or more within a few steps).
    private const double SummationOrderTolerance = 1e-4;

    private static RunConfig Config(int workers, int batch, DataParallelMode mode = DataParallelMode.Synchronous, int mleSteps = 50) =>
        TinyRuns.Config(mleSteps: mleSteps) with { Workers = workers, BatchSize = batch, ParallelMode = mode, LocalSteps = 5, OuterLearningRate = 1.0, OuterMomentum = 0.5 };

    [Fact]
    public void Synchronous_two_workers_of_batch_b_give_the_losses_of_one_worker_of_batch_2b_for_50_steps()
    {
        using var single = TinyRuns.NewTrainer(Config(workers: 1, batch: 8));
        var expected = single.Run().Metrics.Select(m => m.MleLoss).ToArray();
        using var parallel = TinyRuns.NewTrainer(Config(workers: 2, batch: 4));
        var metrics = parallel.Run().Metrics;
        Assert.Equal(50, metrics.Count);
        FloatAssert.Close(expected, metrics.Select(m => m.MleLoss).ToArray(), SummationOrderTolerance);
        Assert.Equal(single.ParameterValues(), parallel.ParameterValues(), (a, b) => Math.Abs(a - b) <= 1e-3f);

        // Every step moved the gradient up and the average down: 2 x (workers - 1) vectors of the model's size.
        long vectorBytes = ParameterVector.LengthOf(parallel.Generator) * 4;
        Assert.All(metrics, m =>
        {
            Assert.Equal(2, m.Workers);
            Assert.Equal(2 * vectorBytes, m.BytesTransferred);
            Assert.True(m.ComputeSeconds > 0 && m.TransferSeconds > 0 && m.ReduceSeconds >= 0);
        });
    }

    [Fact]
    public void A_worker_that_dies_mid_run_leaves_its_shard_to_the_others_and_the_synchronous_run_goes_on_unchanged()
    {
        using var reference = TinyRuns.NewTrainer(Config(workers: 2, batch: 4, mleSteps: 20));
        var expected = reference.Run().Metrics.Select(m => m.MleLoss).ToArray();

        using var leader = TinyRuns.NewTrainer(Config(workers: 2, batch: 4, mleSteps: 20));
        var dying = new DyingWorker(new InProcessShardWorker(new TrainerShardWorker(leader.Replica(), "worker 1", ownsTrainer: true)), diesAtStep: 7);
        using var group = new DataParallelGroup(leader, [dying]);
        var log = new List<string>();
        leader.LogLine += log.Add;
        var metrics = leader.Run(group: group).Metrics;

        FloatAssert.Close(expected, metrics.Select(m => m.MleLoss).ToArray(), SummationOrderTolerance);
        Assert.Equal(2, metrics[6].Workers);
        Assert.All(metrics.Skip(7), m => Assert.Equal(1, m.Workers));
        Assert.Contains(log, line => line.Contains("step 7: worker 1 left the run") && line.Contains("shard 1 to worker 0"));
        Assert.Equal([0, 1], group.Workers.Single().Shards);
    }

    [Fact]
    public void With_on_worker_lost_wait_the_run_waits_for_a_replacement_places_it_and_goes_on_unchanged()
    {
        var config = Config(workers: 2, batch: 4, mleSteps: 20) with { OnWorkerLost = WorkerLossPolicy.Wait, WorkerWaitSeconds = 600 };
        using var reference = TinyRuns.NewTrainer(config);
        var expected = reference.Run().Metrics.Select(m => m.MleLoss).ToArray();

        // Worker 1 dies at step 7; no silo can take a worker for the first two asks, then one joins (a replica made from
        // the leader's state of that step, as a remote worker starts from the checkpoint the run writes for it).
        using var leader = TinyRuns.NewTrainer(config);
        var dying = new DyingWorker(new InProcessShardWorker(new TrainerShardWorker(leader.Replica(), "worker 1", ownsTrainer: true)), diesAtStep: 7);
        var asks = new List<long>();
        IDataParallelWorker? Recruit(Trainer trainer, long step)
        {
            asks.Add(step);
            return asks.Count < 3 ? null : new InProcessShardWorker(new TrainerShardWorker(trainer.Replica(), "worker 2", ownsTrainer: true));
        }
        using var group = new DataParallelGroup(leader, [dying], recruit: Recruit);
        var log = new List<string>();
        leader.LogLine += log.Add;
        var metrics = leader.Run(group: group).Metrics;

        FloatAssert.Close(expected, metrics.Select(m => m.MleLoss).ToArray(), SummationOrderTolerance);
        Assert.Equal([8L, 8L, 8L], asks); // after the step it died in (completed by worker 0), before the next
        Assert.Equal(1, metrics[7].Workers);
        Assert.All(metrics.Skip(8), m => Assert.Equal(2, m.Workers));
        Assert.Contains(log, line => line.StartsWith("step 7: worker 1 left the run") && line.Contains("waiting for a silo to replace it"));
        Assert.Contains("step 8: waiting up to 600 s for a silo to take 1 more worker(s)", log);
        Assert.Contains("step 8: worker 2 joined the run on this process (shards 1); 2 worker(s) go on", log);
        Assert.Equal([[0], [1]], group.Workers.Select(w => w.Shards));

        // No silo within the wait: it says so once and goes on with the workers it has.
        using var alone = TinyRuns.NewTrainer(config with { WorkerWaitSeconds = 1 });
        var gone = new DyingWorker(new InProcessShardWorker(new TrainerShardWorker(alone.Replica(), "worker 1", ownsTrainer: true)), diesAtStep: 7);
        int refused = 0;
        using var lonely = new DataParallelGroup(alone, [gone], recruit: (_, _) => { refused++; return null; });
        var aloneLog = new List<string>();
        alone.LogLine += aloneLog.Add;
        FloatAssert.Close(expected, alone.Run(group: lonely).Metrics.Select(m => m.MleLoss).ToArray(), SummationOrderTolerance);
        Assert.Contains("step 8: no silo took a worker within 1 s; 1 worker(s) go on", aloneLog);
        Assert.InRange(refused, 1, 3);
    }

    [Fact]
    public async Task A_worker_refuses_a_step_it_is_not_at()
    {
        using var trainer = TinyRuns.NewTrainer(Config(workers: 2, batch: 4));
        using var worker = new TrainerShardWorker(trainer.Replica(), "worker 1", ownsTrainer: true);
        var work = await worker.ComputeGradientAsync(0, [1]);
        await worker.ApplyGradientAsync(0, work.Vector, trainer.LearningRate);
        float[] after = worker.Trainer.ParameterValues();
        // A late copy of step 0's message, and a message from the future, change nothing.
        var late = await Assert.ThrowsAsync<StaleStepException>(() => worker.ApplyGradientAsync(0, work.Vector, trainer.LearningRate));
        Assert.Contains("asked to apply the gradient of step 0, but it is at step 1", late.Message);
        await Assert.ThrowsAsync<StaleStepException>(() => worker.ComputeGradientAsync(5, [1]));
        await Assert.ThrowsAsync<StaleStepException>(() => worker.SetParametersAsync(1, after));
        Assert.Equal(after, worker.Trainer.ParameterValues());
    }

    [Fact]
    public void Local_mode_averages_parameter_changes_every_h_steps_moving_h_times_fewer_bytes_and_still_learns()
    {
        using var synchronous = TinyRuns.NewTrainer(Config(workers: 2, batch: 4, mleSteps: 40));
        var syncMetrics = synchronous.Run().Metrics;
        using var local = TinyRuns.NewTrainer(Config(workers: 2, batch: 4, mode: DataParallelMode.Local, mleSteps: 40));
        var localMetrics = local.Run().Metrics;

        Assert.Equal(40, localMetrics.Count);
        long syncBytes = syncMetrics.Sum(m => m.BytesTransferred ?? 0), localBytes = localMetrics.Sum(m => m.BytesTransferred ?? 0);
        Assert.Equal(syncBytes, 5 * localBytes); // H = 5
        Assert.Equal(8, localMetrics.Count(m => m.BytesTransferred > 0)); // one averaging a round
        double first = localMetrics.Take(5).Average(m => m.MleLoss), last = localMetrics.TakeLast(5).Average(m => m.MleLoss);
        Assert.True(last < first - 1.0, $"local-mode loss went from {first:F3} to {last:F3}");
    }

    [Fact]
    public void A_local_mode_run_resumed_from_a_checkpoint_continues_with_its_outer_momentum_exactly()
    {
        // Momentum 0.5 and rounds of 5 steps: a checkpoint at step 10 holds two rounds' momentum, which moves every later
        // round. The leader trains both shards (its other worker gone, or no other silo): its whole state is in the
        // checkpoint, so a resumed run must repeat the uninterrupted one exactly. (Other workers' inner AdamW states are not
        // checkpointed: a worker restarted from a checkpoint takes the leader's, so with several the resumed rounds differ slightly.)
        var config = Config(workers: 2, batch: 4, DataParallelMode.Local, mleSteps: 20);
        using var uninterrupted = TinyRuns.NewTrainer(config);
        using (var group = new DataParallelGroup(uninterrupted, []))
            uninterrupted.Run(group: group);

        using var first = TinyRuns.NewTrainer(config);
        using (var group = new DataParallelGroup(first, []))
            first.Run(maxSteps: 10, group: group);
        var archive = first.CreateCheckpoint();
        Assert.True(archive.Parts.ContainsKey(ModelCheckpoint.OuterMomentumPart), "a local-mode checkpoint with momentum carries the outer momentum");
        Assert.Equal(uninterrupted.ParameterValues(), ResumedParameters(archive));

        // Without the momentum (as before it was checkpointed) the resumed rounds differ: the check above can fail.
        var forgetful = new CheckpointArchive(archive.Metadata, archive.Parts.Where(p => p.Key != ModelCheckpoint.OuterMomentumPart).ToDictionary());
        Assert.NotEqual(uninterrupted.ParameterValues(), ResumedParameters(forgetful));

        // Synchronous mode keeps no momentum: its checkpoints stay as they were.
        using var synchronous = TinyRuns.NewTrainer(Config(workers: 2, batch: 4, mleSteps: 20));
        synchronous.Run(maxSteps: 5);
        Assert.False(synchronous.CreateCheckpoint().Parts.ContainsKey(ModelCheckpoint.OuterMomentumPart));

        static float[] ResumedParameters(CheckpointArchive archive)
        {
            using var trainer = Trainer.Resume(ModelCheckpoint.Unpack(archive, "step-10", TinyRuns.Vocabulary), "step-10", TinyRuns.Vocabulary, TinyRuns.Train, TinyRuns.Valid);
            Assert.Equal(10, trainer.Step);
            using var group = new DataParallelGroup(trainer, []);
            trainer.Run(group: group);
            return trainer.ParameterValues();
        }
    }

    [Fact]
    public void Data_parallel_fields_are_checked_and_named()
    {
        var config = TinyRuns.Config() with
        {
            Workers = 0,
            LocalSteps = 0,
            OuterLearningRate = double.NaN,
            OuterMomentum = 1,
            ParallelMode = (DataParallelMode)7,
            OnWorkerLost = (WorkerLossPolicy)3,
            WorkerWaitSeconds = 0
        };
        var fields = config.Validate().Select(e => e.Field).ToList();
        Assert.Equal(["workers", "parallelMode", "localSteps", "outerLearningRate", "outerMomentum", "onWorkerLost", "workerWaitSeconds"], fields);
        var adversarial = TinyRuns.Config(adversarialSteps: 10) with { Workers = 2 };
        Assert.Contains("workers: is 2, but data-parallel training covers the MLE phase only: adversarialSteps must be 0 (it is 10)",
            Assert.Throws<InvalidConfigException>(() => adversarial.EnsureValid()).Message);
        var json = (TinyRuns.Config() with { Workers = 2, ParallelMode = DataParallelMode.Local }).ToJson();
        Assert.Contains("\"parallelMode\": \"local\"", json);
        Assert.Equal(DataParallelMode.Local, RunConfig.FromJson(json).ParallelMode);
        Assert.Throws<InvalidConfigException>(() => RunConfig.FromJson(json.Replace("\"local\"", "\"sideways\"")));
        Assert.Contains("\"onWorkerLost\": \"continue\"", json);
        Assert.Equal(WorkerLossPolicy.Wait, RunConfig.FromJson(json.Replace("\"continue\"", "\"wait\"")).OnWorkerLost);
    }

    /// <summary>A real worker whose silo "dies" at a step: every call from then on fails as a grain call to a dead silo does.</summary>
    private sealed class DyingWorker(IDataParallelWorker inner, long diesAtStep) : IDataParallelWorker
    {
        public string Name => inner.Name;
        public string Location => inner.Location;
        private T Check<T>(long step, Func<T> call) => step >= diesAtStep ? throw new TimeoutException($"silo of {Name} is gone") : call();
        public Task<ShardWork> ComputeGradientAsync(long step, IReadOnlyList<int> shards) => Check(step, () => inner.ComputeGradientAsync(step, shards));
        public Task<TransferReceipt> ApplyGradientAsync(long step, float[] gradient, double peakRate) => Check(step, () => inner.ApplyGradientAsync(step, gradient, peakRate));
        public Task<ShardWork> TrainLocalAsync(long step, int steps, IReadOnlyList<int> shards, double peakRate) =>
            Check(step, () => inner.TrainLocalAsync(step, steps, shards, peakRate));
        public Task<TransferReceipt> SetParametersAsync(long step, float[] parameters) => Check(step, () => inner.SetParametersAsync(step, parameters));
        public void Dispose() => inner.Dispose();
    }
}
