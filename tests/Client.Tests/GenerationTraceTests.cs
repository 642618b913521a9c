using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MusicCluster.Grains.Hosting;
using MusicCluster.Hosting.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace MusicCluster.Client.Tests;

/// <summary>
/// Telemetry as an operator sees it: the web app in cluster mode and a silo, each wired with
/// <see cref="TelemetryHosting.AddMusicClusterTelemetry"/> as their Program.cs does, talking over Orleans' TCP
/// transport. One generation request is one trace from the web request to the grain call on the silo, and the silo's
/// own meters report the tokens it generated.
/// </summary>
public sealed class GenerationTraceTests
{
    [Fact]
    public async Task A_generation_request_is_one_trace_from_the_web_host_to_the_silo_and_the_silo_counts_its_tokens()
    {
        string data = RepositoryPaths.NewTempFolder("trace-data");
        string clusterId = $"trace-{Guid.NewGuid():N}";
        int siloPort = FreePort.Next(), gatewayPort = FreePort.Next();

        // The silo, as Silo/Program.cs builds it (telemetry, then Orleans), with an in-memory metric exporter.
        var metrics = new List<MetricSnapshot>();
        HostApplicationBuilder siloBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        siloBuilder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orleans:ClusterId"] = clusterId,
            ["Cluster:Clustering"] = "Localhost",
            ["Cluster:SiloPort"] = siloPort.ToString(),
            ["Cluster:GatewayPort"] = gatewayPort.ToString(),
            ["Cluster:PrimarySiloPort"] = siloPort.ToString(),
            ["MusicCluster:DataPath"] = data,
            ["MusicCluster:Accelerators"] = "0",
            ["MusicCluster:Library:SeedCount"] = "0",
        });
        siloBuilder.AddMusicClusterTelemetry("musiccluster-silo");
        siloBuilder.Services.ConfigureOpenTelemetryMeterProvider(meters => meters.AddInMemoryExporter(metrics,
            reader => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = int.MaxValue)); // exported by ForceFlush below
        siloBuilder.UseOrleans(silo => silo.AddMusicClusterSilo(siloBuilder.Configuration));
        using IHost silo = siloBuilder.Build();
        await silo.StartAsync();
        try
        {
            // The web app in cluster mode (it hosts no grains: every grain call crosses to the silo), spans collected.
            var spans = new ConcurrentQueue<Activity>();
            await using var web = new ClientFactory(new EmbeddedClientSettings(data, FreePort.Next(), FreePort.Next()), new Dictionary<string, string?>
            {
                ["Orleans:Mode"] = "Client",
                ["Orleans:ClusterId"] = clusterId,
                ["Cluster:GatewayPorts"] = gatewayPort.ToString(),
            }).WithWebHostBuilder(host => host.ConfigureServices(services =>
                services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(new CollectingProcessor(spans)))));
            HttpClient http = web.CreateClient();

            // The request continues a trace of this test's own (as a browser or gateway that traces would), so
            // the spans of this request are told apart from those of other tests running in this process.
            var caller = ActivityContext.Parse($"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01", null);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/generations") { Content = JsonContent.Create(new { bars = 1, seed = 3, topK = 20 }) };
            request.Headers.Add("traceparent", $"00-{caller.TraceId}-{caller.SpanId}-01");
            HttpResponseMessage response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Guid id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            await Poll.UntilAsync(() => http.GetFromJsonAsync<JsonElement>($"/api/generations/{id}"),
                s => s.GetProperty("status").GetString() != "Running", TimeSpan.FromSeconds(120), "generation finished");

            Activity[] trace = await Poll.UntilAsync(() => Task.FromResult(spans.Where(s => s.TraceId == caller.TraceId).ToArray()),
                t => t.Any(s => s.Kind == ActivityKind.Server && s.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal))
                     && t.Any(s => s.Source.Name == "Microsoft.AspNetCore"),
                TimeSpan.FromSeconds(30), "the request's spans");
            string shown = string.Join("\n", trace.Select(s => $"{s.Source.Name} {s.Kind} {s.DisplayName} {s.SpanId} <- {s.ParentSpanId} " +
                $"[{string.Join(", ", s.TagObjects.Select(t => $"{t.Key}={t.Value}"))}]"));

            // The web request: the test's span is its parent.
            Activity webRequest = Assert.Single(trace, s => s.Source.Name == "Microsoft.AspNetCore");
            Assert.Equal(caller.SpanId, webRequest.ParentSpanId);
            Assert.Equal(ActivityKind.Server, webRequest.Kind);
            // The grain call the endpoint makes: sent by the web host within the request ...
            Activity outgoing = Assert.Single(trace, s => s.Kind == ActivityKind.Client && s.DisplayName.Contains("IGenerationSessionGrain", StringComparison.Ordinal)
                && DescendsFrom(s, webRequest, trace));
            // ... and received by the silo as the child of that call: the trace crossed the Orleans transport.
            Activity incoming = Assert.Single(trace, s => s.Kind == ActivityKind.Server && s.ParentSpanId == outgoing.SpanId);
            Assert.True(incoming.DisplayName.Contains("IGenerationSessionGrain", StringComparison.Ordinal), shown);

            // The silo's own meters: the generation's tokens and the batch sizes that carried them.
            Assert.True(silo.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000));
            MetricSnapshot tokens = Assert.Single(metrics, m => m.Name == "musiccluster.generation.tokens");
            Assert.True(tokens.MetricPoints.Sum(p => p.GetSumLong()) > 0);
            Assert.Contains(metrics, m => m.Name == "musiccluster.inference.batch.size");
            Assert.Contains(metrics, m => m.MeterName == "Microsoft.Orleans");
        }
        finally
        {
            await silo.StopAsync();
        }
    }

    private static bool DescendsFrom(Activity span, Activity ancestor, IReadOnlyCollection<Activity> trace)
    {
        for (Activity? at = span; at is not null; at = trace.FirstOrDefault(s => s.SpanId == at.ParentSpanId))
            if (at.ParentSpanId == ancestor.SpanId) return true;
        return false;
    }

    /// <summary>Keeps every ended span (thread-safe: spans end on many threads).</summary>
    private sealed class CollectingProcessor(ConcurrentQueue<Activity> spans) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => spans.Enqueue(data);
    }
}
