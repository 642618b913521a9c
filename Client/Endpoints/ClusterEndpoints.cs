using MusicCluster.Client.Services;
using MusicCluster.Grains.Interfaces.Cluster;

namespace MusicCluster.Client.Endpoints;

/// <summary>GET /api/cluster: the silos of the running cluster.</summary>
internal static class ClusterEndpoints
{
    public sealed record SiloResponse(string Address, string Name, string HostName, string Status, int Accelerators, int ActivationCount, DateTimeOffset StartedAt,
        int TrainingSlots, IReadOnlyList<string> TrainingRuns, int GenerationSessions, IReadOnlyList<GrainTypeCount> Grains);
    public sealed record ClusterResponse(IReadOnlyList<SiloResponse> Silos, DateTimeOffset TakenAt);

    public static IEndpointRouteBuilder MapClusterEndpoints(this IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder group = endpoints.MapGroup("/api/cluster").WithTags("Cluster");
        group.MapGet("", GetClusterAsync).WithName("GetCluster").WithSummary("Silos of the running cluster: status, capacity (accelerators, training slots), running work and activations per grain type");
        return endpoints;
    }

    private static async Task<ClusterResponse> GetClusterAsync(ClusterService cluster) => ToResponse(await cluster.GetSnapshotAsync());

    /// <summary>What GET /api/cluster and the status hub's Cluster stream send.</summary>
    public static ClusterResponse ToResponse(ClusterSnapshot snapshot)
    {
        return new ClusterResponse(
            snapshot.Silos.Select(s => new SiloResponse(s.Address, s.Name, s.HostName, s.Status, s.Accelerators, s.ActivationCount, s.StartedAt,
                s.TrainingSlots, s.TrainingRuns, s.GenerationSessions, s.Grains)).ToList(),
            snapshot.TakenAt);
    }
}
