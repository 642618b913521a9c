using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MusicCluster.Grains.Interfaces.Installation;

namespace MusicCluster.Grains.Hosting;

/// <summary>
/// Logs the silo's start and graceful stop (so operators can see that Ctrl-C / SIGTERM shut it down cleanly) and
/// records each start with the installation grain.
/// </summary>
internal sealed partial class SiloLifecycleLogger(
    ILocalSiloDetails silo, IGrainFactory grains, IHostApplicationLifetime lifetime, ILogger<SiloLifecycleLogger> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SiloLifecycleLogger), ServiceLifecycleStage.Active, OnActiveAsync, OnStoppingAsync);

    private async Task OnActiveAsync(CancellationToken cancellationToken)
    {
        InstallationInfo installation = await grains.GetGrain<IInstallationGrain>(0).RecordStartAsync(silo.DnsHostName);
        LogActive(silo.Name, silo.SiloAddress.ToParsableString(), installation.InstallationId, installation.StartCount);
        lifetime.ApplicationStarted.Register(() => LogReady(silo.Name));
        lifetime.ApplicationStopped.Register(() => LogStopped(silo.Name));
    }

    private Task OnStoppingAsync(CancellationToken cancellationToken)
    {
        LogStopping(silo.Name);
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {SiloName} at {SiloAddress} is active (installation {InstallationId}, start {StartCount})")]
    private partial void LogActive(string siloName, string siloAddress, Guid installationId, int startCount);

    /// <summary>Logged when the whole host (web server, dashboard) has started: the signal that the process is ready.</summary>
    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {SiloName} is ready")]
    private partial void LogReady(string siloName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {SiloName} is shutting down gracefully: leaving the cluster")]
    private partial void LogStopping(string siloName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {SiloName} shut down gracefully")]
    private partial void LogStopped(string siloName);
}
