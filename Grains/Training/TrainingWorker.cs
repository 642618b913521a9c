using MusicCluster.Grains.Inference;
using MusicCluster.Grains.Interfaces.Models;
using MusicCluster.Grains.Interfaces.Training;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Storage;
using MusicCluster.Music.Storage.Checkpoints;
using MusicCluster.Music.Training;

namespace MusicCluster.Grains.Training;

/// <summary>Why a worker was asked to stop: a person paused or stopped the run, or its silo is shutting down.</summary>
public enum WorkerStopReason { None, Pause, Stop, Shutdown }

/// <summary>How a worker's training ended.</summary>
public enum WorkerOutcome { Completed, Interrupted, Stale, Failed }

/// <summary>What a worker needs to train a run: where to write, which checkpoint to continue from (null: a new run).</summary>
public sealed record TrainingJob(
    string RunId,
    string ModelId,
    RunConfig Config,
    string DatasetFolder,
    CheckpointRecord? ResumeFrom,
    long StartStep,
    double? LearningRate,
    string Dataset = "")
{
    /// <summary>For a run of more than one worker: starts the others and returns the group the trainer leads (on the training thread).</summary>
    public Func<Trainer, DataParallelGroup>? Workers { get; init; }
}

/// <summary>
/// Trains one run on its own thread, outside the Orleans scheduler (a step takes from milliseconds to seconds of
/// CPU; grains must not block). Its metrics, log lines and checkpoints go to the <see cref="RunJournal"/> and to
/// the fenced checkpoint store; the grain reads them on a timer. Stopping cancels the trainer, which finishes the
/// step in progress and writes a final checkpoint.
/// </summary>
public sealed class TrainingWorker
{
    private readonly TrainingJob job;
    private readonly IBlobStore store;
    private readonly CheckpointFence fence;
    private readonly RunJournal journal;
    private readonly TimeProvider clock;
    private readonly CancellationTokenSource cancellation = new();
    private readonly TaskCompletionSource<WorkerOutcome> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object gate = new();
    private readonly List<(CheckpointRecord Record, bool Calibrated)> saved = [];
    private Trainer? trainer;
    private DataParallelGroup? group;
    private double? pendingRate;

    public TrainingWorker(TrainingJob job, IBlobStore store, CheckpointFence fence, RunJournal journal, TimeProvider clock)
    {
        this.job = job;
        this.store = store;
        this.fence = fence;
        this.journal = journal;
        this.clock = clock;
        pendingRate = job.LearningRate;
    }

    public string RunId => job.RunId;

    public long Epoch => fence.Epoch;

    public WorkerStopReason StopReason { get; private set; }

    /// <summary>Why it failed (Failed outcome only).</summary>
    public string? Error { get; private set; }

    public Task<WorkerOutcome> Completion => completion.Task;

    /// <summary>Steps completed so far (from the trainer, or the checkpoint it resumes from while it loads).</summary>
    public long Step => trainer?.Step ?? job.StartStep;

    public string Phase => trainer?.Phase.ToString() ?? "";

    /// <summary>A data-parallel run's workers now (empty for one worker, or while they start).</summary>
    public IReadOnlyList<DataParallelWorkerInfo> Workers => group?.Workers ?? [];

    public double? LearningRate
    {
        get
        {
            lock (gate) return trainer?.LearningRate ?? pendingRate;
        }
    }

    public void Start()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = $"training {job.RunId}" };
        thread.Start();
    }

    public void RequestStop(WorkerStopReason reason)
    {
        if (StopReason == WorkerStopReason.None || reason == WorkerStopReason.Stop) StopReason = reason;
        cancellation.Cancel();
    }

    /// <summary>Takes effect from the next step (the trainer's setter is thread-safe).</summary>
    public void SetLearningRate(double rate)
    {
        lock (gate)
        {
            if (trainer is not null) trainer.LearningRate = rate;
            else pendingRate = rate;
        }
    }

    /// <summary>Checkpoints saved since the last call, and whether each was calibrated (so it can score and be promoted).</summary>
    public IReadOnlyList<(CheckpointRecord Record, bool Calibrated)> TakeSavedCheckpoints()
    {
        lock (gate)
        {
            var result = saved.ToList();
            saved.Clear();
            return result;
        }
    }

    private void Run()
    {
        try
        {
            var data = TrainingData.Load(job.DatasetFolder);
            // The journal goes first: a checkpoint of step N is in storage only once the metrics and log lines up to
            // step N are, so an activation that resumes from it (after this one was deactivated or its silo died,
            // with no chance to flush) has every step's figures, none twice. Both writes are fenced by the epoch.
            var checkpoints = new CheckpointStore(store, async (_, _, token) =>
            {
                await journal.FlushAsync(store, job.RunId, fence, token);
                await fence.CheckAsync(token);
            });
            Trainer created;
            if (job.ResumeFrom is { } from)
            {
                var archive = checkpoints.LoadAsync(from.ModelId, from.CheckpointId, cancellation.Token).GetAwaiter().GetResult();
                var checkpoint = ModelCheckpoint.Unpack(archive, from.Blob, data.Vocabulary);
                created = Trainer.Resume(checkpoint, from.Blob, data.Vocabulary, data.Train, data.Valid, data.Dataset);
            }
            else
            {
                created = new Trainer(job.Config, data.Vocabulary, data.Train, data.Valid, data.Dataset);
            }
            using var owned = created;
            lock (gate)
            {
                trainer = created;
                if (pendingRate is { } rate) created.LearningRate = rate;
            }
            created.StepCompleted += metrics => journal.AddMetrics(ToPoint(metrics));
            created.StepCompleted += metrics => TrainingTelemetry.StepCompleted(created.Config, metrics);
            created.LogLine += line => journal.AddLog(line, clock.GetUtcNow());
            created.CheckpointSaved += record =>
            {
                bool calibrated = Calibrate(created, record, data);
                lock (gate) saved.Add((record, calibrated));
            };
            if (created.Config.Workers > 1 && job.Workers is { } startWorkers && created.Step < created.Config.TotalSteps)
                group = startWorkers(created);
            using var workers = group;
            var result = created.Run(checkpoints, job.ModelId, cancellation: cancellation.Token, group: group);
            completion.TrySetResult(result.Stop == TrainingStop.Finished ? WorkerOutcome.Completed : WorkerOutcome.Interrupted);
        }
        catch (Exception e) when (e.GetBaseException() is StaleEpochException stale)
        {
            journal.AddLog($"stopped: {stale.Message}", clock.GetUtcNow());
            completion.TrySetResult(WorkerOutcome.Stale);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // Cancelled while loading: nothing was trained, the last checkpoint still stands.
            completion.TrySetResult(WorkerOutcome.Interrupted);
        }
        catch (Exception e)
        {
            Error = e.GetBaseException().Message;
            journal.AddLog($"failed: {Error}", clock.GetUtcNow());
            completion.TrySetResult(WorkerOutcome.Failed);
        }
    }

    /// <summary>
    /// Calibrates the critic of a checkpoint just saved against the held-out valid split (on this thread, with the
    /// weights the checkpoint holds) and writes models/{model}/{checkpoint}.calibration.json beside it, so the
    /// checkpoint can score and be promoted. No valid split: no calibration.
    /// </summary>
    private bool Calibrate(Trainer trainer, CheckpointRecord record, TrainingData data)
    {
        if (data.Valid.Count == 0) return false;
        try
        {
            trainer.Critic.eval();
            var windows = new CriticWindowScorer(trainer.Critic, data.Vocabulary);
            var calibration = CalibrationBuilder.FromRealSequences(windows, data.Valid.Select(s => (IReadOnlyList<int>)s), record.ModelId, record.CheckpointId);
            if (calibration.ReferenceScores.Count == 0) return false;
            fence.CheckAsync().GetAwaiter().GetResult();
            string blob = ModelLoader.CalibrationBlobOf(new ModelRef(record.ModelId, record.CheckpointId));
            store.WriteTextAsync(blob, calibration.ToJson()).GetAwaiter().GetResult();
            journal.AddLog($"step {trainer.Step}: critic calibrated on {calibration.ReferenceScores.Count} held-out bar windows", clock.GetUtcNow());
            return true;
        }
        catch (Exception e) when (e is not StaleEpochException)
        {
            journal.AddLog($"step {trainer.Step}: calibration failed, the checkpoint cannot score: {e.GetBaseException().Message}", clock.GetUtcNow());
            return false;
        }
        finally
        {
            trainer.Critic.train();
        }
    }

    private TrainingMetricsPoint ToPoint(TrainingMetrics m) => new()
    {
        Step = m.Step + 1,
        Phase = m.Phase.ToString(),
        MleLoss = m.MleLoss,
        GeneratorLoss = m.GeneratorLoss,
        CriticLoss = m.CriticLoss,
        Wasserstein = m.Wasserstein,
        GradientPenalty = m.GradientPenalty,
        ValidNll = m.ValidNll,
        CriticAuc = m.CriticAuc,
        LearningRate = m.LearningRate,
        TokensPerSecond = m.TokensPerSecond,
        At = clock.GetUtcNow(),
        Workers = m.Workers,
        BytesTransferred = m.BytesTransferred,
        ComputeSeconds = m.ComputeSeconds,
        TransferSeconds = m.TransferSeconds,
        ReduceSeconds = m.ReduceSeconds,
    };
}
