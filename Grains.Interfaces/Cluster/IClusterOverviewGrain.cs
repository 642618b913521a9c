namespace MusicCluster.Grains.Interfaces.Cluster;

/// <summary>Reads the live membership of the cluster together with what each silo advertises (accelerators).</summary>
public interface IClusterOverviewGrain : IGrainWithIntegerKey
{
    Task<ClusterSnapshot> GetSnapshotAsync();
}

[GenerateSerializer, Immutable]
public sealed record ClusterSnapshot(
    [property: Id(0)] IReadOnlyList<SiloSummary> Silos,
    [property: Id(1)] DateTimeOffset TakenAt);

/// <summary>One silo as the membership table sees it.</summary>
[GenerateSerializer, Immutable]
public sealed record SiloSummary(
    [property: Id(0)] string Address,
    [property: Id(1)] string Name,
    [property: Id(2)] string HostName,
    [property: Id(3)] string Status,
    [property: Id(4)] int Accelerators,
    [property: Id(5)] int ActivationCount,
    [property: Id(6)] DateTimeOffset StartedAt);
