namespace MusicCluster.Grains.Interfaces.Cluster;

/// <summary>
/// Blob storage as the silo that answered sees it: <c>Reachable</c>, <c>Retrying</c> (operations are failing and being
/// retried with backoff), <c>Unreachable</c> (an operation ran out of retries; nothing has succeeded since) or <c>Full</c>
/// (a write was refused for lack of space), since when, the last problem, and the retries and give-ups so far.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record StorageStatus(
    [property: Id(0)] string Silo,
    [property: Id(1)] string Store,
    [property: Id(2)] string State,
    [property: Id(3)] DateTimeOffset? Since,
    [property: Id(4)] string? LastProblem,
    [property: Id(5)] long Retries,
    [property: Id(6)] long GivenUp,
    // One line for people, e.g. "Azure Blob container a/b unreachable, retrying with backoff since 12:00:01 UTC (...)".
    [property: Id(7)] string Summary);
