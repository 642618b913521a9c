using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MusicCluster.Hosting;

/// <summary>Runs a host that contains a silo so that a shutdown request during start-up is a clean exit.</summary>
public static partial class HostRunExtensions
{
    /// <summary>
    /// Like <c>RunAsync</c>, but SIGTERM / Ctrl-C that arrives while hosted services are still starting (Kubernetes
    /// may stop a pod at any time) ends with exit code 0 and a log line instead of an unhandled cancellation.
    /// </summary>
    public static async Task<int> RunUntilStoppedAsync(this IHost host)
    {
        // Resolved up front: RunAsync disposes the host (and its service provider) when it fails.
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        ILogger logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("MusicCluster.Hosting");
        try
        {
            await host.RunAsync();
            return 0;
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            LogStoppedDuringStartup(logger);
            return 0;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped by a shutdown request that arrived during start-up")]
    private static partial void LogStoppedDuringStartup(ILogger logger);
}
