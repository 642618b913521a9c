using System.Text.Json;

namespace MusicCluster.Cli.Tests;

/// <summary>
/// `musiccluster loadtest` against the real web host started as users start it (one process, embedded silo), with a
/// per-address limit of 2 running generations so that the load goes beyond it.
/// </summary>
public sealed class LoadTestCommandTests
{
    [Fact]
    public async Task A_short_load_test_reports_throughput_latency_and_the_429_share_with_no_5xx_and_bounded_memory()
    {
        EmbeddedClientSettings settings = EmbeddedClientSettings.CreateFresh();
        var environment = new Dictionary<string, string>(settings.ToEnvironment()) { ["MusicCluster__Limits__PendingGenerationsPerAddress"] = "2" };
        int port = FreePort.Next();
        await using ProcessHost client = ProcessHost.Start("Client", "MusicCluster.Client", environment, "--urls", $"http://127.0.0.1:{port}");
        await client.WaitForLineAsync("Now listening on", TimeSpan.FromSeconds(120));

        CliHarness.Result result = await CliHarness.RunAsync("loadtest", "--url", $"http://127.0.0.1:{port}", "--seconds", "8", "--concurrency", "16",
            "--pid", client.ProcessId.ToString(), "--json");
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        JsonElement report = JsonDocument.Parse(result.Output).RootElement;
        int Int(string name) => report.GetProperty(name).GetInt32();
        double Number(string name) => report.GetProperty(name).GetDouble();

        Assert.Equal(0, Int("serverErrors"));
        Assert.Equal(0, Int("transportErrors"));
        Assert.True(Int("requests") > 0);
        Assert.Equal(Int("requests"), report.GetProperty("statuses").EnumerateObject().Sum(s => s.Value.GetInt32()));
        Assert.DoesNotContain(report.GetProperty("statuses").EnumerateObject(), s => s.Name.StartsWith('5') || s.Name == "failed");
        // The report's seconds are rounded to 0.01 s and its rate to 0.1 from the unrounded time: the rate recomputed from
        // the rounded seconds may differ by up to rate x 0.005 / seconds (about 1 at 1,600 requests/s over 8 s) plus 0.05.
        double rate = Number("requestsPerSecond");
        Assert.Equal(Int("requests") / Number("seconds"), rate, rate * 0.005 / Number("seconds") + 0.06);
        Assert.InRange(Number("p50Ms"), 0, Number("p99Ms"));
        Assert.InRange(Number("p99Ms"), Number("p50Ms"), Number("maxMs"));
        // Beyond the per-address limit generation requests are refused with 429, and some were taken.
        Assert.True(Int("generationsAccepted") >= 2, result.Output);
        Assert.True(Int("generationsRefused429") > 0, result.Output);
        Assert.Equal(Int("generationRequests"), Int("generationsAccepted") + Int("generationsRefused429"));
        Assert.Equal(Math.Round((double)Int("generationsRefused429") / Int("generationRequests"), 4), Number("share429"), 9);
        foreach (string operation in new[] { "list", "health", "generate" })
            Assert.True(report.GetProperty("operations").GetProperty(operation).GetProperty("requests").GetInt32() > 0, operation);
        // Memory measured from the server's process, and bounded: the backpressure keeps the work queued finite.
        Assert.InRange(Number("rssStartMb"), 50, Number("rssPeakMb"));
        Assert.InRange(Number("rssPeakMb"), Number("rssEndMb"), 2048);
        Assert.False(client.HasExited);
    }
}
