using System.Globalization;
using MusicCluster.Grains.Interfaces.Cluster;
using Orleans.Concurrency;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace MusicCluster.Grains.Cluster;

/// <summary>
/// Joins the membership table (IManagementGrain) with the silo metadata cache and runtime statistics. A stateless
/// worker: it runs on whichever silo the caller reaches, and every silo sees the same membership.
/// </summary>
[StatelessWorker]
public sealed class ClusterOverviewGrain(ISiloMetadataCache metadata, TimeProvider clock) : Grain, IClusterOverviewGrain
{
    public async Task<ClusterSnapshot> GetSnapshotAsync()
    {
        var management = GrainFactory.GetGrain<IManagementGrain>(0);
        MembershipEntry[] hosts = await management.GetDetailedHosts(onlyActive: true);
        SiloRuntimeStatistics[] statistics = hosts.Length == 0 ? [] : await management.GetRuntimeStatistics(hosts.Select(h => h.SiloAddress).ToArray());

        var silos = hosts.Select((host, i) => new SiloSummary(
                host.SiloAddress.ToParsableString(),
                host.SiloName ?? "",
                host.HostName ?? "",
                host.Status.ToString(),
                AcceleratorsOf(host.SiloAddress),
                i < statistics.Length ? statistics[i].ActivationCount : 0,
                host.StartTime))
            .OrderBy(s => s.Address, StringComparer.Ordinal)
            .ToList();
        return new ClusterSnapshot(silos, clock.GetUtcNow());
    }

    private int AcceleratorsOf(SiloAddress silo) =>
        metadata.GetSiloMetadata(silo).Metadata.TryGetValue(SiloMetadataKeys.Accelerators, out string? value)
        && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int count) ? count : 0;
}
