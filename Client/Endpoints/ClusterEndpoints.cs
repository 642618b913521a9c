using MusicCluster.Client.Services;
using MusicCluster.Grains.Interfaces.Cluster;

namespace MusicCluster.Client.Endpoints;

/// <summary>GET /api/cluster: the silos of the running cluster.</summary>
internal static class ClusterEndpoints
{
    public static IEndpointRouteBuilder MapClusterEndpoints(this IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder group = endpoints.MapGroup("/api/cluster").WithTags("Cluster");
        group.MapGet("", GetClusterAsync).WithName("GetCluster").WithSummary("Silos of the running cluster: status, capacity (accelerators, " +
            "training slots), running work and activations per grain type");
        return endpoints;
    }

    // The grain's snapshot is the response: its records are already the API's shape (names serialised camelCase).
    private static Task<ClusterSnapshot> GetClusterAsync(ClusterService cluster) => cluster.GetSnapshotAsync();
}
