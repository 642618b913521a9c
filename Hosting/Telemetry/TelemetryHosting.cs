using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace MusicCluster.Hosting.Telemetry;

/// <summary>
/// OpenTelemetry for every MusicCluster host (Silo, Client, Dashboard): traces of Orleans grain calls (the silo and
/// client builders add Orleans' activity propagation, so a web request and the grain calls it makes on other silos are
/// one trace), ASP.NET Core requests and outgoing HTTP; metrics of Orleans, ASP.NET Core, HttpClient, the .NET runtime
/// and the project's own meters (<see cref="ProjectMeters"/>); logs. Nothing leaves the process unless
/// OTEL_EXPORTER_OTLP_ENDPOINT is configured: then all three signals go there over OTLP (the standard OTEL_* settings,
/// such as OTEL_EXPORTER_OTLP_PROTOCOL and OTEL_SERVICE_NAME, apply).
/// </summary>
public static class TelemetryHosting
{
    /// <summary>The meters the project's own code creates (MusicCluster.Inference, MusicCluster.Training, ...).</summary>
    public const string ProjectMeters = "MusicCluster.*";

    /// <summary>Orleans' activity sources: application grain calls, runtime calls, activation lifecycle, grain storage.</summary>
    public static readonly string[] OrleansSources =
        ["Microsoft.Orleans.Application", "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Lifecycle", "Microsoft.Orleans.Storage"];

    /// <summary>Orleans' meter (messaging, grains, membership, ...).</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>The configuration key (an environment variable as the OpenTelemetry specification names it) that turns export on.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Log categories kept from the telemetry backend: the web app prints the admin password it generated once, for the
    /// person at the console (Client's AdminPasswordInitializer); it must not travel anywhere else.
    /// </summary>
    public static readonly string[] ConsoleOnlyLogCategories = ["MusicCluster.Client.Services.Admin.AdminPasswordInitializer"];

    /// <summary>Adds tracing and metrics (and, when exporting, logs) named <paramref name="serviceName"/> unless OTEL_SERVICE_NAME says otherwise.</summary>
    public static TBuilder AddMusicClusterTelemetry<TBuilder>(this TBuilder builder, string serviceName) where TBuilder : IHostApplicationBuilder
    {
        IConfiguration configuration = builder.Configuration;
        bool export = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey]);
        string name = configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } configured ? configured : serviceName;

        OpenTelemetryBuilder telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(name, serviceNamespace: "musiccluster"))
            .WithTracing(tracing => tracing
                .AddSource(OrleansSources)
                // Probes ask /healthz every few seconds; their spans would drown the requests people make.
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsHealthProbe(context.Request.Path))
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics => metrics
                .AddMeter(OrleansMeter, ProjectMeters)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation());
        if (export)
        {
            // Logs only when they have somewhere to go: the console logger already shows them locally.
            telemetry.WithLogging(configureBuilder: null, configureOptions: logs =>
            {
                logs.IncludeFormattedMessage = true;
                logs.IncludeScopes = true;
            });
            foreach (string category in ConsoleOnlyLogCategories)
                builder.Logging.AddFilter<OpenTelemetryLoggerProvider>(category, LogLevel.None);
            telemetry.UseOtlpExporter();
        }
        return builder;
    }

    private static bool IsHealthProbe(PathString path) => path.StartsWithSegments("/healthz", StringComparison.OrdinalIgnoreCase);
}
