namespace MusicCluster.Grains.Interfaces.Cluster;

/// <summary>
/// Reads the live membership of the cluster together with what each silo advertises (accelerators): a fresh sample
/// on every call, answered on the caller's silo. Pages that follow the view live get its samples from
/// <see cref="IClusterViewGrain"/>.
/// </summary>
public interface IClusterOverviewGrain : IGrainWithIntegerKey
{
    Task<ClusterSnapshot> GetSnapshotAsync();
}

[GenerateSerializer, Immutable]
public sealed record ClusterSnapshot(
    [property: Id(0)] IReadOnlyList<SiloSummary> Silos,
    [property: Id(1)] DateTimeOffset TakenAt,
    [property: Id(2)] StorageStatus? Storage = null);

/// <summary>
/// One silo as the membership table sees it, with its capacity (accelerators, training slots), the work running on
/// it (training runs, workers of data-parallel runs, generation sessions) and its activations per grain type, most first.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SiloSummary(
    [property: Id(0)] string Address,
    [property: Id(1)] string Name,
    [property: Id(2)] string HostName,
    [property: Id(3)] string Status,
    [property: Id(4)] int Accelerators,
    [property: Id(5)] int ActivationCount,
    [property: Id(6)] DateTimeOffset StartedAt,
    [property: Id(7)] int TrainingSlots,
    [property: Id(8)] IReadOnlyList<string> TrainingRuns,
    [property: Id(9)] int GenerationSessions,
    [property: Id(10)] IReadOnlyList<GrainTypeCount> Grains,
    // Data-parallel runs with a worker on this silo (their own silo is the one TrainingRuns lists them on).
    [property: Id(11)] IReadOnlyList<string> TrainingWorkers);

/// <summary>Activations of one grain type on a silo (type name without namespace).</summary>
[GenerateSerializer, Immutable]
public sealed record GrainTypeCount(
    [property: Id(0)] string GrainType,
    [property: Id(1)] int Activations);
