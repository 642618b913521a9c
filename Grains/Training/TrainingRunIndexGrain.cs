using System.Globalization;
using Microsoft.Extensions.Logging;
using MusicCluster.Grains.Cluster;
using MusicCluster.Grains.Interfaces;
using MusicCluster.Grains.Interfaces.Training;
using MusicCluster.Grains.Live;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace MusicCluster.Grains.Training;

/// <summary>
/// The training scheduler. Placement: a new run goes to an active silo below its own MaxRunsPerSilo (silo metadata),
/// silos with accelerators first, then the one with the most free slots; the run grain is activated there through a
/// placement hint. Runs that are Running or Paused hold a slot; when none is free the run is Queued and told its
/// position. Supervision (every silo calls it every few seconds) re-places Running runs whose silo left the
/// cluster — they resume from their newest checkpoint — and starts queued runs as slots free up.
/// The index calls runs and never waits on them calling back: runs report one-way. The list of runs is a live value
/// (<see cref="LiveValueGrain{T}"/>): each change is announced to its observers, without the index's turn waiting for
/// them (every silo's supervisor calls the index; a slow web host must not hold the scheduler).
/// </summary>
public sealed class TrainingRunIndexGrain(
    [PersistentState("trainingRuns", StorageNames.GrainState)] IPersistentState<TrainingRunIndexState> state,
    TrainingDatasets datasets,
    IClusterMembershipService membership,
    ISiloMetadataCache metadata,
    TimeProvider clock,
    ILocalSiloDetails localSilo,
    ILogger<TrainingRunIndexGrain> logger) : LiveValueGrain<IReadOnlyList<TrainingRunSummary>>, ITrainingRunIndexGrain
{
    protected override IEqualityComparer<IReadOnlyList<TrainingRunSummary>> Comparer => SameRuns.Instance;

    /// <summary>Two lists are the same when they hold equal summaries in the same order.</summary>
    private sealed class SameRuns : IEqualityComparer<IReadOnlyList<TrainingRunSummary>>
    {
        public static readonly SameRuns Instance = new();

        public bool Equals(IReadOnlyList<TrainingRunSummary>? x, IReadOnlyList<TrainingRunSummary>? y) =>
            ReferenceEquals(x, y) || x is not null && y is not null && x.SequenceEqual(y);

        public int GetHashCode(IReadOnlyList<TrainingRunSummary> list) => list.Count;
    }

    private IDisposable? _queueGauge;

    private TrainingRunIndexState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The musiccluster.training.queue.length gauge reads the queue while this activation holds it. The exporter reads
        // it on its own thread, where the persistent state may not be touched: it holds the state object itself (loaded
        // before activation and never replaced by this grain), reading a count that a grain turn may be changing.
        TrainingRunIndexState index = state.State;
        _queueGauge = TrainingTelemetry.WatchQueue(localSilo.SiloAddress.ToParsableString(), () => index.Queue.Count);
        return base.OnActivateAsync(cancellationToken);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _queueGauge?.Dispose();
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    public Task<IReadOnlyList<TrainingDatasetInfo>> GetDatasetsAsync() => Task.Run(() => datasets.ListAsync());

    public async Task<IReadOnlyList<TrainingFieldError>> ValidateAsync(TrainingRunRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await TrainingRunGrain.ValidateAsync(datasets, request)).Errors;
    }

    public async Task<TrainingRunSnapshot> StartRunAsync(TrainingRunRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = await ValidateAsync(request);
        if (errors.Count > 0) throw new ArgumentException(string.Join("; ", errors));

        DateTimeOffset now = clock.GetUtcNow();
        string runId = $"run-{now:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
        var run = GrainFactory.GetGrain<ITrainingRunGrain>(runId);
        SiloAddress? target = S.Queue.Count == 0 ? ChooseSilo() : null;
        TrainingRunSnapshot snapshot;
        if (target is not null)
        {
            snapshot = await WithHint(target, () => run.StartAsync(request, queued: false));
        }
        else
        {
            snapshot = await run.StartAsync(request, queued: true);
            S.Queue.Add(runId);
            await run.SetQueuePositionAsync(S.Queue.Count);
            snapshot = snapshot with { QueuePosition = S.Queue.Count };
        }
        S.Runs[runId] = snapshot.ToSummary();
        await state.WriteStateAsync();
        logger.LogInformation("Training run {Run} {Where}", runId, target is null ? $"queued at {S.Queue.Count}" : $"placed on {target}");
        Announce();
        return snapshot;
    }

    public Task<IReadOnlyList<TrainingRunSummary>> ListAsync() => Task.FromResult(ReadValue());

    protected override IReadOnlyList<TrainingRunSummary> ReadValue() => S.Runs.Values
        .Select(r => r with { QueuePosition = r.Status == TrainingRunStatus.Queued ? S.Queue.IndexOf(r.RunId) + 1 : null })
        .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.RunId, StringComparer.Ordinal).ToList();

    /// <summary>Tells the list's observers about a change (in order, after the ones before; this turn does not wait).</summary>
    private void Announce() => _ = PublishAsync(ReadValue());

    public async Task ReportAsync(TrainingRunSummary summary)
    {
        if (S.Runs.TryGetValue(summary.RunId, out var known) && known.UpdatedAt > summary.UpdatedAt) return; // an older report overtaken
        bool freed = known is not null && Holds(known) && !Holds(summary);
        S.Runs[summary.RunId] = summary;
        if (summary.Status != TrainingRunStatus.Queued) S.Queue.Remove(summary.RunId);
        await state.WriteStateAsync();
        if (freed) await StartQueuedAsync();
        Announce();
    }

    public async Task SuperviseAsync()
    {
        var active = ActiveSilos();
        bool changed = false;
        foreach (var run in S.Runs.Values.Where(r => r.Status == TrainingRunStatus.Running).ToList())
        {
            SiloAddress? current = run.Silo is { } silo && active.FirstOrDefault(a => a.ToParsableString() == silo) is { } alive ? alive : null;
            SiloAddress? target = current ?? ChooseSilo(except: run.RunId);
            if (target is null) continue; // no free slot anywhere: it waits (still Running, resumes when one frees)
            if (current is null)
            {
                logger.LogWarning("Training run {Run}: silo {Silo} left the cluster; resuming on {Target}", run.RunId, run.Silo, target);
                S.Runs[run.RunId] = run with { Silo = target.ToParsableString() };
                changed = true;
            }
            // A lost one-way report must not hold a slot forever: the run's own word replaces the index's.
            if (await TellToRunAsync(run.RunId, target) is { } snapshot && snapshot.Status != TrainingRunStatus.Running)
            {
                S.Runs[run.RunId] = snapshot.ToSummary();
                changed = true;
            }
        }
        if (changed) await state.WriteStateAsync();
        await StartQueuedAsync();
        Announce();
    }

    private async Task StartQueuedAsync()
    {
        bool changed = false;
        while (S.Queue.Count > 0 && ChooseSilo() is { } target)
        {
            string runId = S.Queue[0];
            S.Queue.RemoveAt(0);
            if (S.Runs.TryGetValue(runId, out var run))
                S.Runs[runId] = run with { Status = TrainingRunStatus.Running, Silo = target.ToParsableString(), QueuePosition = null, UpdatedAt = clock.GetUtcNow() };
            changed = true;
            await TellToRunAsync(runId, target);
        }
        for (int i = 0; i < S.Queue.Count; i++)
        {
            try { await GrainFactory.GetGrain<ITrainingRunGrain>(S.Queue[i]).SetQueuePositionAsync(i + 1); }
            catch (Exception e) { logger.LogWarning(e, "Training run {Run}: could not update its queue position", S.Queue[i]); }
        }
        if (changed) await state.WriteStateAsync();
    }

    /// <summary>Tells a run to train on <paramref name="target"/>; a run active elsewhere leaves and is activated there by the second call.</summary>
    private async Task<TrainingRunSnapshot?> TellToRunAsync(string runId, SiloAddress target)
    {
        var run = GrainFactory.GetGrain<ITrainingRunGrain>(runId);
        string silo = target.ToParsableString();
        try
        {
            if (!await WithHint(target, () => run.EnsureRunningAsync(silo)))
                await WithHint(target, () => run.EnsureRunningAsync(silo));
            return await run.GetAsync();
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Training run {Run}: could not start it on {Silo}; trying again at the next supervision", runId, silo);
            return null;
        }
    }

    private static async Task<T> WithHint<T>(SiloAddress target, Func<Task<T>> call)
    {
        RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
        try { return await call(); }
        finally { RequestContext.Remove(IPlacementDirector.PlacementHintKey); }
    }

    private static bool Holds(TrainingRunSummary run) => run.Status is TrainingRunStatus.Running or TrainingRunStatus.Paused;

    private List<SiloAddress> ActiveSilos() =>
        membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToList();

    /// <summary>The silo for the next run: below its limit, accelerators first, most free slots, then fewest runs.</summary>
    private SiloAddress? ChooseSilo(string? except = null)
    {
        var held = S.Runs.Values.Where(r => Holds(r) && r.RunId != except && r.Silo is not null)
            .GroupBy(r => r.Silo!).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return ActiveSilos()
            .Select(silo =>
            {
                int used = held.GetValueOrDefault(silo.ToParsableString());
                return (Silo: silo, Free: metadata.ReadInt(silo, TrainingSlots.MetadataKey, TrainingSlots.Default) - used,
                    Accelerators: metadata.ReadInt(silo, SiloMetadataKeys.Accelerators, 0), Used: used);
            })
            .Where(c => c.Free > 0)
            .OrderByDescending(c => c.Accelerators > 0)
            .ThenByDescending(c => c.Free)
            .ThenBy(c => c.Used)
            .ThenBy(c => c.Silo.ToParsableString(), StringComparer.Ordinal)
            .Select(c => c.Silo)
            .FirstOrDefault();
    }
}
