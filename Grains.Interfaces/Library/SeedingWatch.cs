using Microsoft.Extensions.Logging;
using MusicCluster.Grains.Interfaces.Live;

namespace MusicCluster.Grains.Interfaces.Library;

/// <summary>Follows the starter library's seeding (<see cref="ValueWatch{T}"/>); ends once seeding is not running.</summary>
public sealed class SeedingWatch(IGrainFactory grains, Func<SeedingProgress, Task> deliver, TimeProvider? clock = null, ILogger? logger = null)
    : ValueWatch<SeedingProgress>(grains, grains.GetGrain<ILibrarySeederGrain>(0), "starter library seeding", deliver, clock, logger)
{
    protected override bool Ends(SeedingProgress value) => value.Status != SeedingStatus.Running;
}
