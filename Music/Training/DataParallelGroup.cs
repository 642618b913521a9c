using System.Diagnostics;

namespace MusicCluster.Music.Training;

/// <summary>
/// The coordinator of a data-parallel run: the run's own trainer (the leader, which also validates and checkpoints)
/// and the other workers, each with its shards of every step's batch (shard k = rows [k x batch, (k + 1) x batch) of
/// the run's workers x batch windows).
///
/// Synchronous mode, one step: every worker computes the gradient of its shards; the coordinator averages them,
/// weighted by tokens, and every worker (the leader too) takes the optimizer step with that average, so the replicas
/// stay equal and the run equals one worker with the whole batch (up to float summation order).
/// Local mode, one round of H steps: every worker trains H steps with its own AdamW; the coordinator averages the
/// parameter changes and its outer Nesterov SGD moves the round's starting parameters; every worker continues from
/// the result. Only 2 x (workers - 1) vectors move a round instead of a step.
///
/// Elastic: a worker that fails (its silo died, or it refused a stale step) leaves the group and its shards go to the
/// workers with the fewest, so the batch stays whole; in synchronous mode the step it failed in is completed by them,
/// so the run goes on exactly as it would have. The outer optimizer's momentum lives here; the leader's checkpoints
/// carry it and a group led by a resumed trainer starts from it, so a resumed local-mode run continues exactly.
/// </summary>
public sealed class DataParallelGroup : IDisposable
{
    private sealed class Member(IDataParallelWorker worker, bool isLeader)
    {
        public IDataParallelWorker Worker { get; } = worker;
        public bool IsLeader { get; } = isLeader;
        public List<int> Shards { get; } = [];
        public double? LastSeconds { get; set; }
    }

    private readonly List<Member> members = [];
    private readonly Member leaderMember;
    private readonly RunConfig config;
    private readonly NesterovOuterOptimizer outer;
    private readonly Func<Trainer, long, IDataParallelWorker?>? recruit;
    private readonly TimeProvider clock;
    // Workers missing (lost, or never placed) that a run with onWorkerLost = wait still waits for.
    private int vacancies;

    /// <param name="leader">The run's trainer: its shard worker runs on the calling thread.</param>
    /// <param name="others">The other workers (remote or in-process), at the leader's step with the leader's state.</param>
    /// <param name="recruit">
    /// With <see cref="RunConfig.OnWorkerLost"/> = wait: places a new worker, with the leader's state at the given step,
    /// on a silo that can take one, or returns null when there is none yet. Called on the training thread between steps.
    /// </param>
    public DataParallelGroup(Trainer leader, IReadOnlyList<IDataParallelWorker> others, string leaderName = "worker 0",
        Func<Trainer, long, IDataParallelWorker?>? recruit = null, TimeProvider? clock = null)
    {
        this.recruit = recruit;
        this.clock = clock ?? TimeProvider.System;
        config = leader.Config;
        if (others.Count + 1 > config.Workers)
            throw new ArgumentException($"workers: {others.Count + 1} workers for a run of {config.Workers}");
        leaderMember = new Member(new TrainerShardWorker(leader, leaderName, ownsTrainer: false), isLeader: true);
        members.Add(leaderMember);
        members.AddRange(others.Select(w => new Member(w, isLeader: false)));
        for (int shard = 0; shard < config.Workers; shard++) members[shard % members.Count].Shards.Add(shard);
        outer = new NesterovOuterOptimizer(config.OuterLearningRate, config.OuterMomentum, leader.OuterMomentumState);
        if (Waits) vacancies = config.Workers - members.Count;
    }

    private bool Waits => config.OnWorkerLost == WorkerLossPolicy.Wait && recruit is not null;

    /// <summary>
    /// The outer optimizer's momentum for a checkpoint: null when the run keeps none (synchronous mode, momentum 0, or
    /// no round yet), so a checkpoint carries it only where it matters.
    /// </summary>
    public float[]? OuterMomentum => config.ParallelMode == DataParallelMode.Local && config.OuterMomentum != 0 ? outer.Momentum : null;

    /// <summary>
    /// A group of <see cref="RunConfig.Workers"/> workers in this process: the leader and replicas of it, whose vectors
    /// travel as binary chunks (<see cref="InProcessShardWorker"/>). For `musiccluster train`, the bench and tests.
    /// </summary>
    public static DataParallelGroup InProcess(Trainer leader) =>
        new(leader, Enumerable.Range(1, leader.Config.Workers - 1)
            .Select(i => (IDataParallelWorker)new InProcessShardWorker(new TrainerShardWorker(leader.Replica(), $"worker {i}", ownsTrainer: true)))
            .ToList());

    /// <summary>Log lines: a worker lost, where its shards went.</summary>
    public event Action<string>? LogLine;

    /// <summary>The workers now in the group and their shards, the leader first.</summary>
    public IReadOnlyList<DataParallelWorkerInfo> Workers
    {
        get
        {
            lock (members)
                return members.Select(m => new DataParallelWorkerInfo(m.Worker.Name, m.Worker.Location, m.Shards.ToList(), m.LastSeconds)).ToList();
        }
    }

    /// <summary>
    /// Trains the leader's next step (synchronous) or round of at most <paramref name="maxSteps"/> local steps; returns
    /// each step's metrics. The caller (<see cref="Trainer.Run"/>) advances the leader's step by their count.
    /// </summary>
    internal IReadOnlyList<TrainingMetrics> Train(Trainer leader, long maxSteps, CancellationToken cancellation = default)
    {
        var own = (TrainerShardWorker)leaderMember.Worker;
        if (own.Step != leader.Step) throw new InvalidOperationException($"the group is at step {own.Step}, its trainer at {leader.Step}");
        if (vacancies > 0) Replace(leader, cancellation);
        return config.ParallelMode == DataParallelMode.Synchronous || config.Workers == 1
            ? [SynchronousStep(leader)]
            : LocalRound(leader, (int)Math.Min(config.LocalSteps, Math.Min(maxSteps, config.MleSteps - leader.Step)));
    }

    private TrainingMetrics SynchronousStep(Trainer leader)
    {
        long step = leader.Step;
        var wall = Stopwatch.StartNew();
        var average = new WeightedAverage(ParameterVector.LengthOf(leader.Generator));
        var costs = new Costs();
        double lossSum = 0;
        long tokens = 0;
        var pending = members.Select(m => (m, (IReadOnlyList<int>)m.Shards.ToList())).ToList();
        while (pending.Count > 0)
        {
            var orphans = new List<int>();
            foreach (var (member, work) in Gather(pending, (m, shards) => m.Worker.ComputeGradientAsync(step, shards), step, orphans))
            {
                var reduce = Stopwatch.StartNew();
                var loss = work.Losses[0];
                if (loss.Tokens > 0) average.Add(work.Vector, loss.Tokens);
                lossSum += loss.Loss * loss.Tokens;
                tokens += loss.Tokens;
                costs.Add(work, reduce.Elapsed.TotalSeconds);
            }
            // The shards of a worker lost in this step are computed by the ones that took them over.
            pending = members.Select(m => (m, (IReadOnlyList<int>)m.Shards.Intersect(orphans).ToList())).Where(p => p.Item2.Count > 0).ToList();
        }
        if (tokens == 0) throw new InvalidOperationException($"step {step}: the batch has no target tokens (every target is padding)");

        var averaging = Stopwatch.StartNew();
        float[] gradient = average.Mean();
        costs.ReduceSeconds += averaging.Elapsed.TotalSeconds;
        double peak = leader.LearningRate;
        Broadcast(m => m.Worker.ApplyGradientAsync(step, gradient, peak), step, costs);
        return costs.Metrics(step, lossSum / tokens, leader.ScheduledRate(step), members.Count, StepTokens(1) / Math.Max(1e-9, wall.Elapsed.TotalSeconds));
    }

    private IReadOnlyList<TrainingMetrics> LocalRound(Trainer leader, int steps)
    {
        long step = leader.Step;
        var wall = Stopwatch.StartNew();
        float[] snapshot = leader.ParameterValues();
        double peak = leader.LearningRate;
        var average = new WeightedAverage(snapshot.Length);
        var costs = new Costs();
        var lossSums = new double[steps];
        var tokens = new long[steps];
        var pending = members.Select(m => (m, (IReadOnlyList<int>)m.Shards.ToList())).ToList();
        // A worker lost mid-round takes its round with it: the others' changes are averaged, its shards go to them from the next round.
        foreach (var (member, work) in Gather(pending, (m, shards) => m.Worker.TrainLocalAsync(step, steps, shards, peak), step, orphans: []))
        {
            var reduce = Stopwatch.StartNew();
            long workerTokens = work.Losses.Sum(l => l.Tokens);
            if (workerTokens > 0) average.Add(work.Vector, workerTokens);
            for (int k = 0; k < steps; k++)
            {
                lossSums[k] += work.Losses[k].Loss * work.Losses[k].Tokens;
                tokens[k] += work.Losses[k].Tokens;
            }
            costs.Add(work, reduce.Elapsed.TotalSeconds);
        }
        var outerStep = Stopwatch.StartNew();
        float[] parameters = outer.Apply(snapshot, average.Mean());
        costs.ReduceSeconds += outerStep.Elapsed.TotalSeconds;
        Broadcast(m => m.Worker.SetParametersAsync(step + steps, parameters), step, costs);

        double tokensPerSecond = StepTokens(steps) / Math.Max(1e-9, wall.Elapsed.TotalSeconds);
        var result = new List<TrainingMetrics>(steps);
        for (int k = 0; k < steps; k++)
        {
            double loss = tokens[k] > 0 ? lossSums[k] / tokens[k] : 0;
            double rate = leader.ScheduledRate(step + k);
            result.Add(k == steps - 1
                ? costs.Metrics(step + k, loss, rate, members.Count, tokensPerSecond)
                : new TrainingMetrics
                {
                    Step = step + k,
                    Phase = TrainingPhase.Mle,
                    MleLoss = loss,
                    GeneratorLoss = loss,
                    LearningRate = rate,
                    TokensPerSecond = tokensPerSecond,
                    Workers = members.Count,
                });
        }
        return result;
    }

    /// <summary>
    /// onWorkerLost = wait: before the next step, asks for a new worker for each missing one until the wait is over
    /// (or the run is stopped); one that joins takes shards from the workers with the most. Between steps, so the batch
    /// of a synchronous step is the same whoever computes it.
    /// </summary>
    private void Replace(Trainer leader, CancellationToken cancellation)
    {
        long step = leader.Step;
        var deadline = clock.GetUtcNow() + TimeSpan.FromSeconds(config.WorkerWaitSeconds);
        LogLine?.Invoke($"step {step}: waiting up to {config.WorkerWaitSeconds} s for a silo to take {vacancies} more worker(s)");
        while (vacancies > 0 && !cancellation.IsCancellationRequested)
        {
            IDataParallelWorker? joined;
            try { joined = recruit!(leader, step); }
            catch (Exception e)
            {
                LogLine?.Invoke($"step {step}: a new worker could not start ({e.GetBaseException().Message})");
                joined = null;
            }
            if (joined is not null)
            {
                Join(joined, step);
                continue;
            }
            if (clock.GetUtcNow() >= deadline) break;
            // A silo joining the cluster shows in its membership within seconds: look again every second.
            cancellation.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
        }
        if (vacancies > 0 && !cancellation.IsCancellationRequested)
            LogLine?.Invoke($"step {step}: no silo took a worker within {config.WorkerWaitSeconds} s; {members.Count} worker(s) go on");
        // Waited once: a run stopped meanwhile waits again after it resumes; one that timed out does not wait again for the same loss.
        if (!cancellation.IsCancellationRequested) vacancies = 0;
    }

    private void Join(IDataParallelWorker worker, long step)
    {
        var member = new Member(worker, isLeader: false);
        lock (members)
        {
            members.Add(member);
            // The newcomer takes shards, highest first, from the workers with the most, until it has its share.
            while (member.Shards.Count < config.Workers / members.Count)
            {
                var richest = members.Where(m => m != member).OrderByDescending(m => m.Shards.Count).ThenByDescending(m => members.IndexOf(m)).First();
                if (richest.Shards.Count <= member.Shards.Count + 1) break;
                int shard = richest.Shards.Max();
                richest.Shards.Remove(shard);
                member.Shards.Add(shard);
            }
            member.Shards.Sort();
        }
        vacancies--;
        string where = worker.Location == "this process" ? "this process" : $"silo {worker.Location}";
        LogLine?.Invoke($"step {step}: {worker.Name} joined the run on {where} (shards {string.Join(", ", member.Shards)}); {members.Count} worker(s) go on");
    }

    // Tokens (windows x context) the whole group trains on in this many steps.
    private double StepTokens(int steps) => (double)steps * config.Workers * config.BatchSize * config.Model.ContextLength;

    /// <summary>
    /// Calls every member (the others first, so remote ones work while the leader computes on this thread) and returns
    /// the answers of those that gave one; a worker that failed leaves the group, its shards added to <paramref name="orphans"/>.
    /// </summary>
    private List<(Member Member, ShardWork Work)> Gather(IEnumerable<(Member Member, IReadOnlyList<int> Shards)> calls,
        Func<Member, IReadOnlyList<int>, Task<ShardWork>> call, long step, List<int> orphans)
    {
        var started = calls.OrderBy(c => c.Member.IsLeader).Select(c => (c.Member, Task: Start(() => call(c.Member, c.Shards)))).ToList();
        var done = new List<(Member, ShardWork)>();
        foreach (var (member, task) in started)
        {
            try
            {
                var work = task.GetAwaiter().GetResult();
                member.LastSeconds = work.ComputeSeconds + work.TransferSeconds;
                done.Add((member, work));
            }
            catch (Exception e) when (!member.IsLeader)
            {
                orphans.AddRange(member.Shards);
                Lose(member, step, e);
            }
        }
        return done;
    }

    private void Broadcast(Func<Member, Task<TransferReceipt>> call, long step, Costs costs)
    {
        var started = members.OrderBy(m => m.IsLeader).Select(m => (Member: m, Task: Start(() => call(m)))).ToList();
        foreach (var (member, task) in started)
        {
            try
            {
                var receipt = task.GetAwaiter().GetResult();
                costs.Add(receipt);
            }
            catch (Exception e) when (!member.IsLeader)
            {
                Lose(member, step, e);
            }
        }
    }

    // A call that throws before returning its task fails like one whose task faults.
    private static Task<T> Start<T>(Func<Task<T>> call)
    {
        try { return call(); }
        catch (Exception e) { return Task.FromException<T>(e); }
    }

    private void Lose(Member member, long step, Exception error)
    {
        var heirs = new List<string>();
        // Locked against a page reading Workers from another thread.
        lock (members)
        {
            members.Remove(member);
            foreach (int shard in member.Shards)
            {
                var heir = members.OrderBy(m => m.Shards.Count).ThenBy(m => members.IndexOf(m)).First();
                heir.Shards.Add(shard);
                heir.Shards.Sort();
                heirs.Add($"shard {shard} to {heir.Worker.Name}");
            }
        }
        if (Waits) vacancies++;
        LogLine?.Invoke($"step {step}: {member.Worker.Name} left the run ({error.GetBaseException().Message}); {string.Join(", ", heirs)}; {members.Count} worker(s) go on"
            + (Waits ? $"; waiting for a silo to replace it before the next step (onWorkerLost: wait)" : ""));
        try { member.Worker.Dispose(); }
        catch (Exception) { /* a lost worker's handle may fail to close: it is gone either way */ }
    }

    public void Dispose()
    {
        foreach (var member in members) member.Worker.Dispose();
        members.Clear();
    }

    /// <summary>A step's communication figures: bytes moved, and per phase the time the slowest worker took (workers run side by side).</summary>
    private sealed class Costs
    {
        private double compute, applyCompute, gatherTransfer, broadcastTransfer;
        private long bytes;
        public double ReduceSeconds;

        public void Add(ShardWork work, double reduceSeconds)
        {
            compute = Math.Max(compute, work.ComputeSeconds);
            gatherTransfer = Math.Max(gatherTransfer, work.TransferSeconds);
            bytes += work.BytesMoved;
            ReduceSeconds += reduceSeconds;
        }

        public void Add(TransferReceipt receipt)
        {
            broadcastTransfer = Math.Max(broadcastTransfer, receipt.TransferSeconds);
            applyCompute = Math.Max(applyCompute, receipt.ComputeSeconds);
            bytes += receipt.BytesMoved;
        }

        public TrainingMetrics Metrics(long step, double loss, double rate, int workers, double tokensPerSecond) => new()
        {
            Step = step,
            Phase = TrainingPhase.Mle,
            MleLoss = loss,
            GeneratorLoss = loss,
            LearningRate = rate,
            TokensPerSecond = tokensPerSecond,
            Workers = workers,
            BytesTransferred = bytes,
            ComputeSeconds = compute + applyCompute,
            TransferSeconds = gatherTransfer + broadcastTransfer,
            ReduceSeconds = ReduceSeconds,
        };
    }
}
