using MusicCluster.Grains.Generation;
using MusicCluster.Grains.Interfaces.Cluster;
using MusicCluster.Grains.Interfaces.Training;
using MusicCluster.Grains.Training;
using Orleans.Concurrency;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace MusicCluster.Grains.Cluster;

/// <summary>
/// Joins the membership table (IManagementGrain) with the silo metadata cache, runtime and grain statistics, and
/// the training index (which run trains where). A stateless worker: it runs on whichever silo the caller reaches,
/// and every silo sees the same membership.
/// </summary>
[StatelessWorker]
public sealed class ClusterOverviewGrain(ISiloMetadataCache metadata, TimeProvider clock) : Grain, IClusterOverviewGrain
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
        return new ClusterSnapshot(silos, clock.GetUtcNow());
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
