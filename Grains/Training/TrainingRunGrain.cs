using Microsoft.Extensions.Logging;
using MusicCluster.Grains.Hosting;
using MusicCluster.Grains.Inference;
using MusicCluster.Grains.Interfaces;
using MusicCluster.Grains.Interfaces.Models;
using MusicCluster.Grains.Interfaces.Training;
using MusicCluster.Grains.Live;
using MusicCluster.Music.Storage;
using MusicCluster.Music.Storage.Checkpoints;
using MusicCluster.Music.Training;
using Orleans.Placement;
using Orleans.Utilities;

namespace MusicCluster.Grains.Training;

/// <summary>
/// One training run. The index places it (a placement hint to a silo with a free slot) and tells it to run; it
/// trains on a <see cref="TrainingWorker"/> thread and, twice a second, moves what the worker produced into its
/// state, the run's log.jsonl and its observers. Each activation takes a new epoch that fences its writes.
/// </summary>
[RandomPlacement] // random placement honours the index's placement hint
public sealed class TrainingRunGrain(
    [PersistentState("trainingRun", StorageNames.GrainState)] IPersistentState<TrainingRunState> state,
    IBlobStore store,
    TrainingDatasets datasets,
    LocalTrainingWorkers localWorkers,
    DataParallelPlacement placement,
    ILocalSiloDetails silo,
    TimeProvider clock,
    LiveUpdateSettings live,
    ILogger<TrainingRunGrain> logger) : Grain, ITrainingRunGrain
{
    private static readonly TimeSpan PumpPeriod = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ShutdownWait = TimeSpan.FromSeconds(60);

    private readonly ObserverManager<ITrainingRunObserver> observers = LiveObservers.Create<ITrainingRunObserver>(live, logger);
    private RunJournal journal = new();
    private TrainingWorker? worker;
    private CheckpointFence? fence;
    private IGrainTimer? pump;
    private bool registryWarned;
    private DateTimeOffset lastReport;
    private string stopping = "this silo is stopping";

    private TrainingRunState S => state.State;
    private string ThisSilo => silo.SiloAddress.ToParsableString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!S.Exists) return;
        S.Epoch++;
        await state.WriteStateAsync(cancellationToken);
        fence = new CheckpointFence(store, S.RunId, S.Epoch);
        await fence.ClaimAsync(cancellationToken);
        journal = await RunJournal.LoadAsync(store, S.RunId, long.MaxValue, cancellationToken);
        if (S.Status == TrainingRunStatus.Running && S.AssignedSilo == ThisSilo) await StartWorkerAsync();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (worker is { } running)
        {
            // Deactivated while training (silo stopping, the run moved, or its directory entry died with another silo):
            // checkpoint now, resume elsewhere. The line goes into the journal the trainer flushes before that checkpoint,
            // so it is kept even when a newer activation fences this one before FinishAsync can write.
            stopping = reason.ReasonCode == DeactivationReasonCode.ShuttingDown ? "this silo is stopping" : $"this activation is deactivated ({reason})";
            if (!running.Completion.IsCompleted)
                journal.AddLog($"step {running.Step}: {stopping}: checkpointing the step in progress", clock.GetUtcNow());
            running.RequestStop(WorkerStopReason.Shutdown);
            try { await running.Completion.WaitAsync(ShutdownWait, cancellationToken); }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                logger.LogWarning("Run {Run}: deactivated before its checkpoint was written", S.RunId);
            }
            if (running.Completion.IsCompleted) await FinishAsync(running, await running.Completion);
        }
    }

    public async Task<TrainingRunSnapshot> StartAsync(TrainingRunRequest request, bool queued)
    {
        if (S.Exists) return Snapshot();
        ArgumentNullException.ThrowIfNull(request);
        var (config, errors) = await ValidateAsync(datasets, request);
        if (config is null) throw new ArgumentException(string.Join("; ", errors));

        DateTimeOffset now = clock.GetUtcNow();
        S.RunId = this.GetPrimaryKeyString();
        S.Name = string.IsNullOrWhiteSpace(request.Name) ? S.RunId : request.Name.Trim();
        S.Request = request;
        S.ConfigJson = config.ToJson();
        S.Dataset = request.Dataset;
        S.TotalSteps = config.TotalSteps;
        S.LearningRate = config.LearningRate;
        S.Phase = config.MleSteps > 0 ? nameof(TrainingPhase.Mle) : nameof(TrainingPhase.Adversarial);
        S.CreatedAt = S.UpdatedAt = now;
        S.Status = queued ? TrainingRunStatus.Queued : TrainingRunStatus.Running;
        S.AssignedSilo = queued ? null : ThisSilo;
        S.Epoch = 1;
        await state.WriteStateAsync();
        fence = new CheckpointFence(store, S.RunId, S.Epoch);
        await fence.ClaimAsync();
        journal.AddLog(queued ? "queued: every silo's training slots are taken" : $"created on silo {ThisSilo}", now);
        if (!queued) await StartWorkerAsync();
        return Snapshot();
    }

    /// <summary>The config a request makes for its dataset, or the field errors (the dataset's vocabulary is needed to check the model).</summary>
    internal static async Task<(RunConfig? Config, IReadOnlyList<TrainingFieldError> Errors)> ValidateAsync(TrainingDatasets datasets, TrainingRunRequest request)
    {
        if (TrainingDatasets.ProblemWithId(request.Dataset) is { } problem) return (null, [new TrainingFieldError("dataset", problem)]);
        Music.Tokens.Vocabulary vocabulary;
        try
        {
            // Writing the synthetic demo corpus the first time is CPU work: keep it off the grain scheduler.
            vocabulary = await Task.Run(() => datasets.VocabularyOfAsync(request.Dataset));
        }
        catch (Exception e) when (e is KeyNotFoundException or Music.Data.DatasetFormatException)
        {
            return (null, [new TrainingFieldError("dataset", e.Message)]);
        }
        var (config, errors) = RunConfigBuilder.Build(request, vocabulary);
        return (config, errors);
    }

    public Task<TrainingRunSnapshot?> GetAsync() => Task.FromResult(S.Exists ? Snapshot() : null);

    public Task<IReadOnlyList<TrainingMetricsPoint>> GetMetricsAsync(long fromStep, int max = 10_000) =>
        Task.FromResult(journal.MetricsFrom(fromStep, Math.Clamp(max, 0, 100_000)));

    public Task<IReadOnlyList<TrainingLogLine>> GetLogAsync(long fromLine, int max = 1_000) =>
        Task.FromResult(journal.LogFrom(fromLine, Math.Clamp(max, 0, 10_000)));

    public async Task<TrainingRunSnapshot> PauseAsync()
    {
        RequireExists();
        if (S.Status != TrainingRunStatus.Running)
            throw new InvalidOperationException($"run {S.RunId} is {S.Status}; only a running run can be paused");
        await StopWorkerAsync(WorkerStopReason.Pause);
        if (S.Status == TrainingRunStatus.Running) await SetStatusAsync(TrainingRunStatus.Paused, "paused");
        return Snapshot();
    }

    public async Task<TrainingRunSnapshot> ResumeAsync()
    {
        RequireExists();
        if (S.Status != TrainingRunStatus.Paused)
            throw new InvalidOperationException($"run {S.RunId} is {S.Status}; only a paused run can be resumed");
        // A paused run kept its slot; it resumes where it is active now.
        S.AssignedSilo = ThisSilo;
        await SetStatusAsync(TrainingRunStatus.Running, $"resumed on silo {ThisSilo}");
        await StartWorkerAsync();
        return Snapshot();
    }

    public async Task<TrainingRunSnapshot> StopAsync()
    {
        RequireExists();
        if (S.Status is TrainingRunStatus.Completed or TrainingRunStatus.Stopped or TrainingRunStatus.Failed) return Snapshot();
        await StopWorkerAsync(WorkerStopReason.Stop);
        if (S.Status is TrainingRunStatus.Running or TrainingRunStatus.Paused or TrainingRunStatus.Queued)
            await SetStatusAsync(TrainingRunStatus.Stopped, "stopped");
        return Snapshot();
    }

    public async Task<TrainingRunSnapshot> SetLearningRateAsync(double learningRate)
    {
        RequireExists();
        if (!double.IsFinite(learningRate) || learningRate <= 0 || learningRate > 10)
            throw new ArgumentException($"learningRate: must be a positive number of at most 10, got {learningRate}");
        if (S.Status is TrainingRunStatus.Completed or TrainingRunStatus.Stopped or TrainingRunStatus.Failed)
            throw new InvalidOperationException($"run {S.RunId} is {S.Status}; its learning rate can no longer change");
        worker?.SetLearningRate(learningRate);
        S.LearningRate = learningRate;
        journal.AddLog($"learning rate set to {learningRate:G4} from step {worker?.Step ?? S.Step}", clock.GetUtcNow());
        S.UpdatedAt = clock.GetUtcNow();
        await state.WriteStateAsync();
        return Snapshot();
    }

    public async Task<bool> EnsureRunningAsync(string target)
    {
        if (!S.Exists) return true;
        if (S.Status == TrainingRunStatus.Queued)
        {
            S.Status = TrainingRunStatus.Running;
            S.QueuePosition = null;
            journal.AddLog("a training slot is free: leaving the queue", clock.GetUtcNow());
        }
        if (S.Status != TrainingRunStatus.Running) return true;
        if (worker is not null)
        {
            // Training here already: a moving run would lose work, so the index learns where it is.
            if (S.AssignedSilo != ThisSilo) { S.AssignedSilo = ThisSilo; await state.WriteStateAsync(); }
            Report(force: true);
            return true;
        }
        S.AssignedSilo = target;
        await state.WriteStateAsync();
        if (target != ThisSilo)
        {
            DeactivateOnIdle();
            return false;
        }
        await StartWorkerAsync();
        return true;
    }

    public async Task SetQueuePositionAsync(int position)
    {
        if (!S.Exists || S.Status != TrainingRunStatus.Queued || S.QueuePosition == position) return;
        S.QueuePosition = position;
        await state.WriteStateAsync();
    }

    public Task SubscribeAsync(ITrainingRunObserver observer)
    {
        observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(ITrainingRunObserver observer)
    {
        observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    private async Task StartWorkerAsync()
    {
        if (worker is not null || fence is null) return;
        var config = RunConfig.FromJson(S.ConfigJson);
        string folder;
        CheckpointRecord? resumeFrom;
        long startStep;
        try
        {
            string dataset = S.Dataset; // grain state must not be touched off the grain's scheduler
            folder = await Task.Run(() => datasets.LocalFolderAsync(dataset));
            (resumeFrom, startStep) = await NewestCheckpointAsync();
        }
        catch (Exception e) when (e is KeyNotFoundException or Music.Data.DatasetFormatException or CheckpointFormatException or IOException)
        {
            S.Error = e.Message;
            await SetStatusAsync(TrainingRunStatus.Failed, $"failed: {e.Message}");
            return;
        }
        if (resumeFrom is not null)
        {
            // Steps after the checkpoint are trained again: their old figures go. (The trainer that wrote the
            // checkpoint flushed the journal up to its step first, so none is missing.)
            journal = await RunJournal.LoadAsync(store, S.RunId, startStep + 1);
            await ListResumedCheckpointAsync(resumeFrom, startStep);
        }
        DateTimeOffset now = clock.GetUtcNow();
        journal.AddLog(resumeFrom is null
            ? $"training on silo {ThisSilo} (epoch {S.Epoch}): {config.TotalSteps} steps on dataset {S.Dataset}"
            : $"resuming from checkpoint {resumeFrom.CheckpointId} (step {startStep}) on silo {ThisSilo} (epoch {S.Epoch})", now);
        S.Step = startStep;
        long epoch = S.Epoch;
        var job = new TrainingJob(S.RunId, S.RunId, config, folder, resumeFrom, startStep, S.LearningRate, S.Dataset);
        var fenced = fence;
        var joinStore = new CheckpointStore(store, async (_, _, token) => await fenced.CheckAsync(token));
        var runJournal = journal;
        job = job with { Workers = leader => placement.CreateGroup(leader, job, epoch, line => runJournal.AddLog(line, clock.GetUtcNow()), joinStore) };
        var started = new TrainingWorker(job, store, fence, journal, clock);
        worker = started;
        localWorkers.Add(started);
        started.Start();
        // A training run must not be collected as idle while it trains.
        DelayDeactivation(TimeSpan.FromDays(365));
        pump ??= this.RegisterGrainTimer(PumpAsync, new GrainTimerCreationOptions(PumpPeriod, PumpPeriod) { Interleave = false });
        await state.WriteStateAsync();
        Report(force: true);
    }

    /// <summary>The run's newest checkpoint in blob storage (the source of truth: state may lag behind a crash).</summary>
    private async Task<(CheckpointRecord? Record, long Step)> NewestCheckpointAsync()
    {
        var records = await new CheckpointStore(store).ListAsync(S.RunId);
        CheckpointRecord? newest = null;
        long step = 0;
        foreach (var record in records)
        {
            long recordStep = ModelCheckpoint.ReadInfo(record.Metadata, record.Blob).Step;
            if (newest is null || recordStep >= step) (newest, step) = (record, recordStep);
        }
        return (newest, step);
    }

    /// <summary>
    /// A checkpoint the previous activation wrote but could not record (it was fenced or gone before its next pump) is
    /// listed and registered now, so the checkpoint a run resumed from is never missing from its list or /models.
    /// Its writer's epoch is not known here: 0 says so.
    /// </summary>
    private async Task ListResumedCheckpointAsync(CheckpointRecord record, long step)
    {
        if (S.Checkpoints.Any(c => c.CheckpointId == record.CheckpointId)) return;
        var info = ModelCheckpoint.ReadInfo(record.Metadata, record.Blob);
        var entry = new TrainingCheckpointInfo(record.ModelId, record.CheckpointId, step, info.CreatedAt,
            info.Metrics?.ValidNll ?? journal.LatestValidNll, Epoch: 0, record.Length);
        S.Checkpoints.Add(entry);
        bool calibrated = await store.GetInfoAsync(ModelLoader.CalibrationBlobOf(new ModelRef(record.ModelId, record.CheckpointId))) is not null;
        await RegisterAsync(entry, info, calibrated);
        journal.AddLog($"checkpoint {record.CheckpointId} (step {step}) was written by an earlier activation that did not list it: listed now", clock.GetUtcNow());
    }

    private async Task StopWorkerAsync(WorkerStopReason reason)
    {
        if (worker is not { } running) return;
        running.RequestStop(reason);
        WorkerOutcome outcome = await running.Completion;
        await FinishAsync(running, outcome);
    }

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        if (worker is not { } running)
        {
            await PublishAsync();
            return;
        }
        await CollectAsync(running);
        if (running.Completion.IsCompleted) await FinishAsync(running, await running.Completion);
    }

    /// <summary>Moves new checkpoints into state and the registry, flushes the log and tells observers.</summary>
    private async Task CollectAsync(TrainingWorker running)
    {
        S.Step = running.Step;
        if (running.Phase.Length > 0) S.Phase = running.Phase;
        S.LatestValidNll = journal.LatestValidNll ?? S.LatestValidNll;
        var saved = running.TakeSavedCheckpoints();
        foreach (var (record, calibrated) in saved)
        {
            var info = ModelCheckpoint.ReadInfo(record.Metadata, record.Blob);
            var entry = new TrainingCheckpointInfo(record.ModelId, record.CheckpointId, info.Step, info.CreatedAt,
                info.Metrics?.ValidNll ?? journal.LatestValidNll, running.Epoch, record.Length);
            S.Checkpoints.RemoveAll(c => c.CheckpointId == entry.CheckpointId);
            S.Checkpoints.Add(entry);
            await RegisterAsync(entry, info, calibrated);
        }
        if (saved.Count > 0)
        {
            S.UpdatedAt = clock.GetUtcNow();
            await state.WriteStateAsync();
        }
        try
        {
            await journal.FlushAsync(store, S.RunId, fence!);
        }
        catch (StaleEpochException e)
        {
            logger.LogWarning("Run {Run}: {Problem}", S.RunId, e.Message);
            running.RequestStop(WorkerStopReason.Shutdown);
        }
        await PublishAsync();
        Report(force: saved.Count > 0);
    }

    private async Task FinishAsync(TrainingWorker finished, WorkerOutcome outcome)
    {
        if (worker != finished) return;
        await CollectAsync(finished);
        worker = null;
        DelayDeactivation(TimeSpan.Zero);
        switch (outcome)
        {
            case WorkerOutcome.Completed:
                await SetStatusAsync(TrainingRunStatus.Completed, $"completed at step {S.Step}");
                break;
            case WorkerOutcome.Failed:
                S.Error = finished.Error;
                await SetStatusAsync(TrainingRunStatus.Failed, "training failed");
                break;
            case WorkerOutcome.Stale:
                // A newer activation owns the run: write nothing more.
                return;
            case WorkerOutcome.Interrupted when finished.StopReason == WorkerStopReason.Stop:
                await SetStatusAsync(TrainingRunStatus.Stopped, $"stopped at step {S.Step}");
                break;
            case WorkerOutcome.Interrupted when finished.StopReason == WorkerStopReason.Pause:
                await SetStatusAsync(TrainingRunStatus.Paused, $"paused at step {S.Step}");
                break;
            default:
                // Silo shutting down: still Running; the index resumes it on another silo from this checkpoint.
                journal.AddLog($"checkpointed at step {S.Step}: {stopping}", clock.GetUtcNow());
                await FlushQuietlyAsync();
                await state.WriteStateAsync();
                break;
        }
    }

    private async Task SetStatusAsync(TrainingRunStatus status, string logLine)
    {
        // The line and log.jsonl first: reads interleave, and one that sees the new status (a watch catching up from
        // log.jsonl, say) must find the line that says why.
        DateTimeOffset now = clock.GetUtcNow();
        journal.AddLog(logLine, now);
        await FlushQuietlyAsync();
        S.Status = status;
        if (status != TrainingRunStatus.Queued) S.QueuePosition = null;
        S.UpdatedAt = now;
        await state.WriteStateAsync();
        await PublishAsync();
        Report(force: true);
    }

    private async Task FlushQuietlyAsync()
    {
        if (fence is null) return;
        try { await journal.FlushAsync(store, S.RunId, fence); }
        catch (StaleEpochException e) { logger.LogWarning("Run {Run}: {Problem}", S.RunId, e.Message); }
    }

    private async Task PublishAsync()
    {
        var (metrics, log) = journal.TakeUnpublished();
        if (observers.Count == 0 || (metrics.Count == 0 && log.Count == 0)) return;
        var update = new TrainingRunUpdate(Snapshot(), metrics, log);
        await observers.Notify(o => o.OnUpdateAsync(update));
    }

    /// <summary>Registers a checkpoint with the model registry, so /models lists it; the run goes on if the registry is not there.</summary>
    private async Task RegisterAsync(TrainingCheckpointInfo checkpoint, CheckpointInfo info, bool calibrated)
    {
        var metrics = new Dictionary<string, double>();
        if (info.Metrics is { } m)
        {
            metrics["mleLoss"] = m.MleLoss;
            metrics["generatorLoss"] = m.GeneratorLoss;
            if (m.CriticLoss is { } c) metrics["criticLoss"] = c;
            if (m.Wasserstein is { } w) metrics["wasserstein"] = w;
        }
        if (checkpoint.ValidNll is { } nll) metrics["validNll"] = nll;
        if (info.BestValidNll is { } best) metrics["bestValidNll"] = best;
        try
        {
            await GrainFactory.GetGrain<IModelRegistryGrain>(0).RegisterCheckpointAsync(new CheckpointEntry(
                new ModelRef(checkpoint.ModelId, checkpoint.CheckpointId), checkpoint.Step, checkpoint.CreatedAt, metrics, S.RunId,
                Calibrated: calibrated, Tokenizer: info.Vocabulary.Kind));
        }
        catch (Exception e)
        {
            if (!registryWarned) journal.AddLog($"model registry unavailable, checkpoints are not listed in /models: {e.GetBaseException().Message}", clock.GetUtcNow());
            registryWarned = true;
        }
    }

    /// <summary>Tells the index how the run stands (one-way): on changes, and every few seconds while it trains.</summary>
    private void Report(bool force)
    {
        DateTimeOffset now = clock.GetUtcNow();
        if (!force && now - lastReport < TimeSpan.FromSeconds(5)) return;
        lastReport = now;
        _ = GrainFactory.GetGrain<ITrainingRunIndexGrain>(0).ReportAsync(Summary());
    }

    private void RequireExists()
    {
        if (!S.Exists) throw new KeyNotFoundException($"there is no training run '{this.GetPrimaryKeyString()}'");
    }

    private TrainingRunSummary Summary() => Snapshot().ToSummary() with { UpdatedAt = clock.GetUtcNow() };

    private TrainingRunSnapshot Snapshot() => new()
    {
        RunId = S.RunId,
        Name = S.Name,
        Status = S.Status,
        Dataset = S.Dataset,
        Step = worker?.Step ?? S.Step,
        TotalSteps = S.TotalSteps,
        Phase = worker?.Phase is { Length: > 0 } phase ? phase : S.Phase,
        LatestMetrics = journal.LatestMetrics,
        LatestValidNll = journal.LatestValidNll ?? S.LatestValidNll,
        Checkpoints = S.Checkpoints.OrderBy(c => c.Step).ToList(),
        Silo = S.Status == TrainingRunStatus.Queued ? null : S.AssignedSilo,
        QueuePosition = S.Status == TrainingRunStatus.Queued ? S.QueuePosition : null,
        ConfigJson = S.ConfigJson,
        LearningRate = worker?.LearningRate ?? S.LearningRate,
        Epoch = S.Epoch,
        CreatedAt = S.CreatedAt,
        UpdatedAt = S.UpdatedAt,
        Error = S.Error,
        ModelId = S.RunId,
        LogLineCount = journal.LogCount,
        Workers = (worker?.Workers ?? []).Select(w => new TrainingWorkerInfo(w.Name, w.Location == "this process" ? ThisSilo : w.Location, w.Shards, w.LastSeconds)).ToList(),
    };
}
