using Microsoft.Extensions.Diagnostics.HealthChecks;
using MusicCluster.Grains.Interfaces.Installation;

namespace MusicCluster.Client.Services;

/// <summary>Healthy when a grain call reaches the cluster and returns.</summary>
internal sealed class ClusterHealthCheck(IClusterClient cluster) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            InstallationInfo installation = await cluster.GetGrain<IInstallationGrain>(0).GetAsync().WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            return HealthCheckResult.Healthy($"installation {installation.InstallationId}");
        }
        catch (Exception e) when (e is TimeoutException or OrleansException or SiloUnavailableException)
        {
            return HealthCheckResult.Unhealthy("the cluster does not answer", e);
        }
    }
}
