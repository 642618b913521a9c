using MusicCluster.Grains.Interfaces.Live;

namespace MusicCluster.Grains.Interfaces.Cluster;

/// <summary>
/// The cluster view (key 0): the live membership of the cluster together with what each silo advertises
/// (accelerators) and runs. Membership and activation counts are a sample by nature (no grain announces them), so
/// this grain is the one sampler for every web host: while it has observers it samples every
/// <c>SamplePeriod</c> and on every membership change, and pushes each sample as a live value
/// (<see cref="ClusterWatch"/>); without observers it samples only when asked.
/// </summary>
public interface IClusterOverviewGrain : IGrainWithIntegerKey, ILiveValueSource<ClusterSnapshot>
{
    /// <summary>A fresh sample, taken now.</summary>
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
