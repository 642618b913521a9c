using Microsoft.Extensions.Logging;
using MusicCluster.Grains.Generation;
using MusicCluster.Grains.Interfaces.Cluster;
using MusicCluster.Grains.Interfaces.Live;
using MusicCluster.Grains.Interfaces.Training;
using MusicCluster.Grains.Live;
using MusicCluster.Grains.Training;
using MusicCluster.Music.Storage;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace MusicCluster.Grains.Cluster;

/// <summary>
/// Joins the membership table (IManagementGrain) with the silo metadata cache, runtime and grain statistics, and
/// the training index (which run trains where), and blob storage's health as this silo sees it (the silos share one
/// store, so one silo's view tells whether it is reachable).
/// <para>
/// The view is a sample by nature: membership, runtime and grain statistics are read from the management grain, and
/// nothing announces a change of them. So the sampling lives here, in one grain (key 0) for the whole cluster, and
/// every web host follows its samples as a live value (<see cref="ClusterWatch"/>), the one way pages are kept
/// current. It samples every <see cref="SamplePeriod"/> only while it has observers (the timer stops with the last
/// one), and at once on every membership change (a silo joining, leaving or dying shows without waiting for the
/// timer); a hundred open cluster pages on ten web hosts cost one sample per period.
/// </para>
/// </summary>
public sealed class ClusterOverviewGrain(
    ISiloMetadataCache metadata,
    IBlobStore store,
    ILocalSiloDetails local,
    IClusterMembershipService membership,
    TimeProvider clock,
    ILogger<ClusterOverviewGrain> logger) : LiveValueGrain<ClusterSnapshot>, IClusterOverviewGrain
{
    /// <summary>How often the view is sampled while someone follows it.</summary>
    public static readonly TimeSpan SamplePeriod = TimeSpan.FromSeconds(2);

    private static readonly TrainingRunStatus[] Busy = [TrainingRunStatus.Running, TrainingRunStatus.Paused];
    private readonly CancellationTokenSource stop = new();
    private IGrainTimer? sampling;
    private Task? firstSample;
    private DateTimeOffset lastTaken = DateTimeOffset.MinValue;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _ = FollowMembershipAsync(stop.Token);
        return base.OnActivateAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await stop.CancelAsync();
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    /// <summary>Nothing is sampled until asked: a placeholder that <see cref="GetLiveAsync"/> never hands out.</summary>
    protected override ClusterSnapshot ReadValue() => new([], DateTimeOffset.MinValue);

    /// <summary>The latest sample (one taken now if none was), and sampling on while there are observers.</summary>
    public override async Task<Versioned<ClusterSnapshot>> GetLiveAsync()
    {
        // Every watcher reads right after it subscribes (and after each renewal): the timer starts with the first.
        sampling ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(SamplePeriod, SamplePeriod) { Interleave = false });
        if (firstSample is null || firstSample.IsFaulted) firstSample = GetSnapshotAsync();
        await firstSample;
        return await base.GetLiveAsync();
    }

    private async Task TickAsync()
    {
        if (!HasObservers)
        {
            sampling?.Dispose();
            sampling = null;
            return;
        }
        await GetSnapshotAsync();
    }

    private async Task FollowMembershipAsync(CancellationToken cancellation)
    {
        try
        {
            await foreach (ClusterMembershipSnapshot _ in membership.MembershipUpdates.WithCancellation(cancellation))
                if (HasObservers) await GetSnapshotAsync();
        }
        catch (OperationCanceledException)
        {
            // The activation is going.
        }
        catch (Exception e)
        {
            // The timer still samples; only the immediate update on a membership change is lost.
            logger.LogWarning(e, "Following membership changes for the cluster view failed");
        }
    }

    /// <summary>A fresh sample; observers hear it when it is newer than the last they heard.</summary>
    public async Task<ClusterSnapshot> GetSnapshotAsync()
    {
        ClusterSnapshot snapshot = await SampleAsync();
        if (snapshot.TakenAt > lastTaken)
        {
            lastTaken = snapshot.TakenAt;
            _ = PublishAsync(snapshot);
        }
        return snapshot;
    }

    private async Task<ClusterSnapshot> SampleAsync()
    {
        var management = GrainFactory.GetGrain<IManagementGrain>(0);
        MembershipEntry[] hosts = await management.GetDetailedHosts(onlyActive: true);
        SiloAddress[] addresses = hosts.Select(h => h.SiloAddress).ToArray();
        SiloRuntimeStatistics[] statistics = hosts.Length == 0 ? [] : await management.GetRuntimeStatistics(addresses);
        SimpleGrainStatistic[] grains = hosts.Length == 0 ? [] : await management.GetSimpleGrainStatistics(addresses);
        IReadOnlyList<TrainingRunSummary> runs = await GrainFactory.GetGrain<ITrainingRunIndexGrain>(0).ListAsync();

        var silos = hosts.Select((host, i) =>
            {
                var grainTypes = grains.Where(g => g.SiloAddress.Equals(host.SiloAddress) && g.ActivationCount > 0)
                    .GroupBy(g => ShortName(g.GrainType))
                    .Select(g => new GrainTypeCount(g.Key, g.Sum(x => x.ActivationCount)))
                    .OrderByDescending(g => g.Activations).ThenBy(g => g.GrainType, StringComparer.Ordinal)
                    .ToList();
                string address = host.SiloAddress.ToParsableString();
                return new SiloSummary(
                    address,
                    host.SiloName ?? "",
                    host.HostName ?? "",
                    host.Status.ToString(),
                    metadata.ReadInt(host.SiloAddress, SiloMetadataKeys.Accelerators, 0),
                    i < statistics.Length ? statistics[i].ActivationCount : 0,
                    host.StartTime,
                    metadata.ReadInt(host.SiloAddress, TrainingSlots.MetadataKey, TrainingSlots.Default),
                    runs.Where(r => r.Silo == address && Busy.Contains(r.Status)).Select(r => r.RunId).ToList(),
                    grainTypes.Where(g => g.GrainType == nameof(GenerationSessionGrain)).Sum(g => g.Activations),
                    grainTypes,
                    runs.Where(r => r.Status == TrainingRunStatus.Running && r.Silo != address && r.WorkerSilos.Contains(address)).Select(r => r.RunId).ToList());
            })
            .OrderBy(s => s.Address, StringComparer.Ordinal)
            .ToList();
        StorageHealthReport health = store.Health.Report();
        var storage = new StorageStatus(local.SiloAddress.ToParsableString(), health.Store, health.State.ToString(), health.Since, health.LastProblem,
            health.Retries, health.GivenUp, Summarise(health));
        return new ClusterSnapshot(silos, clock.GetUtcNow(), storage);
    }

    private static string Summarise(StorageHealthReport health)
    {
        string since = health.Since is { } at ? $" since {at.UtcDateTime.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)} UTC" : "";
        string state = health.State switch
        {
            StorageState.Retrying => $"unreachable, retrying with backoff{since}",
            StorageState.Unreachable => $"unreachable{since}: operations gave up after their retries; new ones keep trying",
            StorageState.Full => $"full{since}: writes are refused for lack of space",
            _ => "reachable",
        };
        // The last problem stays in the line after the store recovers: a refused write an operator did not see as it
        // happened (a render too large for a nearly full disk, while small writes go on) is still there to read.
        string problem = health.LastProblem is null ? "" : $" (last problem: {health.LastProblem})";
        string counts = health.Retries + health.GivenUp == 0 ? "" : $"; {health.Retries} retries, {health.GivenUp} given up so far";
        return $"{health.Store} {state}{problem}{counts}";
    }

    /// <summary>"MusicCluster.Grains.Library.PieceGrain" -> "PieceGrain"; generic arity and assembly names dropped.</summary>
    private static string ShortName(string grainType)
    {
        string name = grainType.Split(',')[0];
        name = name[(name.LastIndexOf('.') + 1)..];
        int tick = name.IndexOf('`');
        return tick < 0 ? name : name[..tick];
    }
}
