namespace MusicCluster.Grains.Interfaces.Live;

/// <summary>
/// A grain's live value with its version: each change takes a higher number than the one before, so a watcher hands
/// each change on once and in order (<see cref="ValueWatch{T}"/>). An activation numbers on from the time it started,
/// so a grain activated again (after a move or a restart) numbers above what its previous activation sent.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Versioned<T>(
    [property: Id(0)] long Version,
    [property: Id(1)] T Value);
