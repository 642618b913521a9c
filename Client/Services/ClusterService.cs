using MusicCluster.Grains.Interfaces.Cluster;
using MusicCluster.Grains.Interfaces.Installation;

namespace MusicCluster.Client.Services;

/// <summary>What the cluster page and API need from the grains.</summary>
public sealed class ClusterService(IClusterClient cluster, IConfiguration configuration)
{
    public Task<ClusterSnapshot> GetSnapshotAsync() => cluster.GetGrain<IClusterOverviewGrain>(0).GetSnapshotAsync();

    public Task<InstallationInfo> GetInstallationAsync() => cluster.GetGrain<IInstallationGrain>(0).GetAsync();

    /// <summary>The Orleans dashboard: this app's own in embedded mode, else MusicCluster:DashboardUrl (may be empty).</summary>
    public string? DashboardUrl =>
        configuration["MusicCluster:DashboardUrl"] is { Length: > 0 } url ? url
        : Hosting.OrleansHosting.ModeOf(configuration) == Hosting.OrleansMode.Embedded ? "/dashboard/" : null;
}
