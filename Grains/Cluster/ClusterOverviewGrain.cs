using MusicCluster.Grains.Generation;
using MusicCluster.Grains.Interfaces.Cluster;
using MusicCluster.Grains.Interfaces.Training;
using MusicCluster.Grains.Training;
using MusicCluster.Music.Storage;
using Orleans.Concurrency;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace MusicCluster.Grains.Cluster;

/// <summary>
/// Joins the membership table (IManagementGrain) with the silo metadata cache, runtime and grain statistics, and
/// the training index (which run trains where), and blob storage's health as this silo sees it (the silos share one
/// store, so one silo's view tells whether it is reachable). A stateless worker: it runs on whichever silo the caller reaches,
/// and every silo sees the same membership.
/// </summary>
[StatelessWorker]
public sealed class ClusterOverviewGrain(ISiloMetadataCache metadata, IBlobStore store, ILocalSiloDetails local, TimeProvider clock) : Grain, IClusterOverviewGrain
{
    private static readonly TrainingRunStatus[] Busy = [TrainingRunStatus.Running, TrainingRunStatus.Paused];

    public async Task<ClusterSnapshot> GetSnapshotAsync()
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
