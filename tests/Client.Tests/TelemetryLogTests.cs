using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MusicCluster.Client.Services.Admin;
using MusicCluster.Hosting.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace MusicCluster.Client.Tests;

/// <summary>Logs leave a host only when an OTLP endpoint is configured, and the generated admin password never does.</summary>
public sealed class TelemetryLogTests
{
    [Fact]
    public void With_an_endpoint_logs_are_exported_but_the_generated_admin_password_is_not()
    {
        var exported = new List<LogRecord>();
        using IHost host = HostWith(endpoint: "http://127.0.0.1:9", exported);
        host.Services.GetRequiredService<ILogger<TelemetryLogTests>>().LogInformation("an ordinary line");
        host.Services.GetRequiredService<ILogger<AdminPasswordInitializer>>().LogWarning("Generated the admin password: {Password}", "s3cret-value");

        Assert.Contains(exported, r => r.FormattedMessage == "an ordinary line");
        Assert.DoesNotContain(exported, r => (r.FormattedMessage ?? "").Contains("s3cret-value", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_an_endpoint_no_log_reaches_OpenTelemetry()
    {
        var exported = new List<LogRecord>();
        using IHost host = HostWith(endpoint: null, exported);
        host.Services.GetRequiredService<ILogger<TelemetryLogTests>>().LogWarning("stays on the console");
        Assert.Empty(exported);
    }

    private static IHost HostWith(string? endpoint, List<LogRecord> exported)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [TelemetryHosting.OtlpEndpointKey] = endpoint });
        builder.AddMusicClusterTelemetry("musiccluster-test");
        // Records are seen as they are written (a simple processor), before any OTLP batch would send them.
        builder.Services.ConfigureOpenTelemetryLoggerProvider(logs => logs.AddInMemoryExporter(exported));
        return builder.Build();
    }
}
