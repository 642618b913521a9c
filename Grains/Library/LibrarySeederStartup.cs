using Microsoft.Extensions.Logging;
using MusicCluster.Grains.Interfaces.Library;

namespace MusicCluster.Grains.Library;

/// <summary>
/// Asks the library seeder to start when the silo becomes active (every silo asks; the one seeder grain runs once).
/// The call returns at once: seeding goes on in the background while the site serves requests.
/// </summary>
internal sealed class LibrarySeederStartup(IGrainFactory grains, LibrarySeedingSettings settings, ILogger<LibrarySeederStartup> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(LibrarySeederStartup), ServiceLifecycleStage.Active, OnActiveAsync);

    private async Task OnActiveAsync(CancellationToken cancellationToken)
    {
        if (settings.SeedCount == 0) return;
        try
        {
            SeedingProgress progress = await grains.GetGrain<ILibrarySeederGrain>(0).StartAsync();
            logger.LogInformation("Starter library: {Status}, {Done} of {Total} pieces", progress.Status, progress.Done, progress.Total);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A silo that cannot reach the seeder still serves; the next start tries again.
            logger.LogWarning(e, "Could not start seeding the starter library");
        }
    }
}
