using MusicCluster.Grains.Interfaces.Live;
using Orleans.Concurrency;

namespace MusicCluster.Grains.Interfaces.Library;

/// <summary>
/// Fills a fresh library with generated starter pieces in the background (key 0). Silos start it when they start;
/// starting it again while it runs, or after it finished, changes nothing. Its progress is a live value
/// (<see cref="SeedingWatch"/>): observers hear every piece added and every change of status.
/// </summary>
public interface ILibrarySeederGrain : IGrainWithIntegerKey, ILiveValueSource<SeedingProgress>
{
    /// <summary>Starts seeding unless it is turned off, running or done; returns the progress at once.</summary>
    Task<SeedingProgress> StartAsync();

    [ReadOnly, AlwaysInterleave]
    Task<SeedingProgress> GetProgressAsync();
}

public enum SeedingStatus
{
    /// <summary>Nothing asked for seeding yet.</summary>
    NotStarted,
    /// <summary>MusicCluster:Library:SeedCount is 0.</summary>
    Disabled,
    Running,
    Completed,
    /// <summary>Stopped by an error (Error says which); the next silo start tries again.</summary>
    Failed,
}

/// <summary>How far seeding is: Done of Total starter pieces are in the library.</summary>
[GenerateSerializer, Immutable]
public sealed record SeedingProgress(
    [property: Id(0)] SeedingStatus Status,
    [property: Id(1)] int Done,
    [property: Id(2)] int Total,
    [property: Id(3)] string? Error,
    [property: Id(4)] DateTimeOffset? StartedAt,
    [property: Id(5)] DateTimeOffset? FinishedAt,
    /// <summary>Pieces added during this run (the rest were there before it started).</summary>
    [property: Id(6)] int AddedThisRun);
