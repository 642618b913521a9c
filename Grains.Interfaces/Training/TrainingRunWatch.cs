using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MusicCluster.Grains.Interfaces.Live;

namespace MusicCluster.Grains.Interfaces.Training;

/// <summary>
/// Follows one training run (see <see cref="LiveWatch"/>): hands on its metrics and log lines from the given step and
/// line on, each once and in order (steps and line numbers are the cursor), with the run as it stands. A renewal
/// reads what the observer missed (the run moved to another silo, or the observer expired) and hands on the run
/// when it changed. Ends when the run has completed, stopped or failed.
/// </summary>
public sealed class TrainingRunWatch : LiveWatch, ITrainingRunObserver
{
    private readonly IGrainFactory grains;
    private readonly ITrainingRunGrain run;
    private readonly Func<TrainingRunUpdate, Task> deliver;
    private ITrainingRunObserver? reference;
    private DateTimeOffset lastChange = DateTimeOffset.MinValue;

    private TrainingRunWatch(IGrainFactory grains, string runId, long fromStep, long fromLine, Func<TrainingRunUpdate, Task> deliver, TimeProvider clock,
        ILogger logger) : base(clock, logger)
    {
        this.grains = grains;
        this.deliver = deliver;
        RunId = runId;
        NextStep = fromStep;
        NextLine = fromLine;
        run = grains.GetGrain<ITrainingRunGrain>(runId);
    }

    public string RunId { get; }

    /// <summary>The first step not handed on yet.</summary>
    public long NextStep { get; private set; }

    /// <summary>The first log line not handed on yet.</summary>
    public long NextLine { get; private set; }

    /// <param name="fromStep">Metrics of earlier steps are known to the consumer already.</param>
    /// <param name="fromLine">Log lines numbered lower are known to the consumer already.</param>
    /// <param name="deliver">Gets each update, one at a time, in order; no step or line twice.</param>
    /// <param name="renewal">How often to subscribe again: shorter than the silos' observer expiry.</param>
    public static async Task<TrainingRunWatch> StartAsync(IGrainFactory grains, string runId, long fromStep, long fromLine,
        Func<TrainingRunUpdate, Task> deliver, TimeSpan renewal, TimeProvider? clock = null, ILogger? logger = null)
    {
        var watch = new TrainingRunWatch(grains, runId, fromStep, fromLine, deliver, clock ?? TimeProvider.System, logger ?? NullLogger.Instance);
        watch.reference = grains.CreateObjectReference<ITrainingRunObserver>(watch);
        await watch.StartAsync(renewal);
        return watch;
    }

    Task ITrainingRunObserver.OnUpdateAsync(TrainingRunUpdate update)
    {
        Enqueue(() => HandOnAsync(update.Run, update.Metrics, update.Log, caughtUp: false));
        return Task.CompletedTask;
    }

    protected override Task SubscribeAsync() => run.SubscribeAsync(reference!);

    protected override async Task UnsubscribeAsync()
    {
        await run.UnsubscribeAsync(reference!);
        grains.DeleteObjectReference<ITrainingRunObserver>(reference!);
    }

    protected override async Task CatchUpAsync()
    {
        IReadOnlyList<TrainingMetricsPoint> metrics = await run.GetMetricsAsync(NextStep);
        IReadOnlyList<TrainingLogLine> log = await run.GetLogAsync(NextLine);
        TrainingRunSnapshot? now = await run.GetAsync();
        if (now is not null) await HandOnAsync(now, metrics, log, caughtUp: true);
    }

    private async Task HandOnAsync(TrainingRunSnapshot now, IReadOnlyList<TrainingMetricsPoint> metrics, IReadOnlyList<TrainingLogLine> log, bool caughtUp)
    {
        if (Completion.IsCompleted) return;
        var newMetrics = metrics.Where(m => m.Step >= NextStep).ToList();
        var newLog = log.Where(l => l.Number >= NextLine).ToList();
        if (newMetrics.Count == 0 && newLog.Count == 0 && now.UpdatedAt <= lastChange && !Ended(now)) return;
        await deliver(new TrainingRunUpdate(now, newMetrics, newLog));
        if (newMetrics.Count > 0) NextStep = newMetrics[^1].Step + 1;
        if (newLog.Count > 0) NextLine = newLog[^1].Number + 1;
        if (now.UpdatedAt > lastChange) lastChange = now.UpdatedAt;
        if (caughtUp && (newMetrics.Count > 0 || newLog.Count > 0)) CatchUps++;
        if (Ended(now)) End();
    }

    private static bool Ended(TrainingRunSnapshot run) => run.Status is TrainingRunStatus.Completed or TrainingRunStatus.Stopped or TrainingRunStatus.Failed;

    public override string ToString() => $"training run {RunId}";
}
