using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace MusicCluster.Cluster.Tests;

/// <summary>
/// Training runs on three real Silo processes (localhost clustering, one shared data folder) driven through a Client
/// process in client mode: runs spread over silos; SIGKILL of the silo training a run makes it resume on another
/// from its last checkpoint and finish; SIGTERM checkpoints a silo's runs before it exits; a full cluster restart
/// finds the runs and resumes the one still running. Its helpers also serve <see cref="DataParallelTrainingTests"/>.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class TrainingFailoverTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(4);
    internal const string Password = "cluster-test-admin";

    internal sealed record SiloProcess(string Name, int SiloPort, int GatewayPort, int MaxRuns, int Accelerators)
    {
        public ProcessHost? Host { get; set; }
        public bool Hosts(JsonElement run) => run.GetProperty("silo").GetString() is { } silo && silo.Contains($":{SiloPort}@", StringComparison.Ordinal);
    }

    private static object Tiny(int mleSteps, string name) => new
    {
        dataset = "synthetic-demo",
        name,
        checkpointEvery = 5,
        settings = new { layers = 1, heads = 2, modelWidth = 16, contextLength = 32, dropout = 0.0, batchSize = 2, mleSteps, validateEvery = 5 },
    };

    [Fact]
    public async Task Runs_spread_over_silos_survive_sigkill_sigterm_and_a_full_cluster_restart()
    {
        string data = RepositoryPaths.NewTempFolder("training-cluster");
        string clusterId = $"test-{Guid.NewGuid():N}";
        // The primary holds the membership of localhost clustering, so it takes no runs (0 slots) and is never killed.
        int primaryPort = FreePort.Next();
        var silos = new[]
        {
            new SiloProcess("primary", primaryPort, FreePort.Next(), MaxRuns: 0, Accelerators: 0),
            new SiloProcess("gpu", FreePort.Next(), FreePort.Next(), MaxRuns: 1, Accelerators: 1),
            new SiloProcess("cpu", FreePort.Next(), FreePort.Next(), MaxRuns: 2, Accelerators: 0),
        };
        int http = FreePort.Next();
        ProcessHost? client = null;
        try
        {
            await StartAllAsync(silos, clusterId, data);
            client = await StartClientAsync(silos, clusterId, data, http);
            using HttpClient web = await SignInAsync(http);

            // Runs spread: the accelerator silo first, then the CPU silo; never the primary.
            // The first run is killed at step 7 or later and must not have finished by then: 300 steps leave a loaded
            // machine seconds between the test seeing step 7 and the kill.
            const int firstSteps = 300;
            JsonElement first = await StartRunAsync(web, Tiny(mleSteps: firstSteps, "first"));
            JsonElement second = await StartRunAsync(web, Tiny(mleSteps: 100_000, "second"));
            string firstId = first.GetProperty("runId").GetString()!, secondId = second.GetProperty("runId").GetString()!;
            Assert.True(silos[1].Hosts(first), $"first run on {first.GetProperty("silo")}");
            Assert.True(silos[2].Hosts(second), $"second run on {second.GetProperty("silo")}");

            // SIGKILL the silo training the first run once it has a checkpoint: it resumes on the CPU silo from there.
            JsonElement beforeKill = await WaitRunAsync(web, firstId,
                r => r.GetProperty("checkpoints").GetArrayLength() >= 1 && r.GetProperty("step").GetInt64() >= 7, "first run checkpointed");
            long lastCheckpoint = beforeKill.GetProperty("checkpoints").EnumerateArray().Max(c => c.GetProperty("step").GetInt64());
            await silos[1].Host!.KillAsync(TimeSpan.FromSeconds(30));
            JsonElement moved = await WaitRunAsync(web, firstId,
                r => silos[2].Hosts(r) && r.GetProperty("epoch").GetInt64() > beforeKill.GetProperty("epoch").GetInt64(), "first run resumes on another silo");
            JsonElement done = await WaitRunAsync(web, firstId, r => r.GetProperty("status").GetString() is "Completed" or "Failed", "first run finishes");
            Assert.Equal("Completed", done.GetProperty("status").GetString());
            Assert.Equal(firstSteps, done.GetProperty("step").GetInt64());
            var log = await web.GetFromJsonAsync<JsonElement>($"/api/training-runs/{firstId}/log");
            string resumed = log.EnumerateArray().Select(l => l.GetProperty("text").GetString()!).Single(t => t.StartsWith("resuming from checkpoint", StringComparison.Ordinal));
            long resumedAt = long.Parse(resumed[(resumed.IndexOf("(step ", StringComparison.Ordinal) + 6)..resumed.IndexOf(')')]);
            Assert.True(resumedAt >= lastCheckpoint, $"resumed at {resumedAt}, but step {lastCheckpoint} was checkpointed before the kill");
            var metrics = await web.GetFromJsonAsync<JsonElement>($"/api/training-runs/{firstId}/metrics");
            Assert.Equal(Enumerable.Range(1, firstSteps).Select(i => (long)i), metrics.EnumerateArray().Select(m => m.GetProperty("step").GetInt64()));

            // SIGTERM the CPU silo while it trains the second run: it checkpoints the step it reached before exiting.
            await WaitRunAsync(web, secondId, r => r.GetProperty("step").GetInt64() >= 3, "second run trains");
            Assert.Equal(0, await silos[2].Host!.TerminateAsync(TimeSpan.FromSeconds(90)));
            Assert.Contains(silos[2].Host!.Lines, l => l.Contains("Training runs checkpointed: " + secondId, StringComparison.Ordinal));

            // Full cluster restart over the same data: the runs are all there and the second resumes from its SIGTERM checkpoint.
            await client.TerminateAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(0, await silos[0].Host!.TerminateAsync(TimeSpan.FromSeconds(90)));
            await StartAllAsync(silos, clusterId, data);
            client = await StartClientAsync(silos, clusterId, data, http);
            using HttpClient again = await SignInAsync(http);
            var runs = await again.GetFromJsonAsync<JsonElement>("/api/training-runs");
            Assert.Equal("Completed", runs.EnumerateArray().Single(r => r.GetProperty("runId").GetString() == firstId).GetProperty("status").GetString());
            JsonElement back = await WaitRunAsync(again, secondId, r => r.GetProperty("status").GetString() == "Running" && r.GetProperty("logLineCount").GetInt64() > 0
                && LogOf(again, secondId).Any(t => t.Contains("this silo is stopping", StringComparison.Ordinal))
                && LogOf(again, secondId).Count(t => t.StartsWith("resuming from checkpoint", StringComparison.Ordinal)) >= 1,
                "second run resumes after the restart");
            var secondLog = LogOf(again, secondId);
            string stoppingLine = secondLog.Last(t => t.Contains("this silo is stopping", StringComparison.Ordinal));
            long sigtermStep = long.Parse(stoppingLine["checkpointed at step ".Length..stoppingLine.IndexOf(':')]);
            Assert.Contains(secondLog, t => t.StartsWith($"resuming from checkpoint step-{sigtermStep:D9} (step {sigtermStep})", StringComparison.Ordinal));
            var stopped = await (await again.PostAsync($"/api/training-runs/{secondId}/stop", null)).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("Stopped", stopped.GetProperty("status").GetString());
        }
        finally
        {
            if (client is not null) { await client.TerminateAsync(TimeSpan.FromSeconds(60)); await client.DisposeAsync(); }
            foreach (var silo in silos.Reverse())
                if (silo.Host is not null) { if (!silo.Host.HasExited) await silo.Host.TerminateAsync(TimeSpan.FromSeconds(90)); await silo.Host.DisposeAsync(); }
        }
    }

    [SkippableFact]
    public async Task With_redis_clustering_runs_spread_over_two_silos_and_complete()
    {
        string server = Prerequisite.RequireProgram("redis-server", "redis-server");
        int redisPort = FreePort.Next();
        using var redis = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(server,
            ["--port", redisPort.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        { RedirectStandardOutput = true })!;
        string connection = $"127.0.0.1:{redisPort}";
        string data = RepositoryPaths.NewTempFolder("training-redis");
        var silos = new[]
        {
            new SiloProcess("a", FreePort.Next(), FreePort.Next(), MaxRuns: 1, Accelerators: 0),
            new SiloProcess("b", FreePort.Next(), FreePort.Next(), MaxRuns: 1, Accelerators: 0),
        };
        int http = FreePort.Next();
        ProcessHost? client = null;
        try
        {
            string clusterId = $"test-{Guid.NewGuid():N}";
            await StartAllAsync(silos, clusterId, data, connection);
            client = await StartClientAsync(silos, clusterId, data, http, connection);
            using HttpClient web = await SignInAsync(http);
            JsonElement one = await StartRunAsync(web, Tiny(mleSteps: 10, "one"));
            JsonElement two = await StartRunAsync(web, Tiny(mleSteps: 10, "two"));
            Assert.NotEqual(one.GetProperty("silo").GetString(), two.GetProperty("silo").GetString());
            Assert.All(new[] { one, two }, r => Assert.Contains(silos, s => s.Hosts(r)));
            foreach (var id in new[] { one, two }.Select(r => r.GetProperty("runId").GetString()!))
            {
                JsonElement finished = await WaitRunAsync(web, id, r => r.GetProperty("status").GetString() is "Completed" or "Failed", $"{id} finishes");
                Assert.Equal("Completed", finished.GetProperty("status").GetString());
            }
        }
        finally
        {
            if (client is not null) { await client.TerminateAsync(TimeSpan.FromSeconds(60)); await client.DisposeAsync(); }
            foreach (var silo in silos.Reverse())
                if (silo.Host is not null) { if (!silo.Host.HasExited) await silo.Host.TerminateAsync(TimeSpan.FromSeconds(90)); await silo.Host.DisposeAsync(); }
            redis.Kill();
            await redis.WaitForExitAsync();
        }
    }

    internal static List<string> LogOf(HttpClient web, string id) =>
        web.GetFromJsonAsync<JsonElement>($"/api/training-runs/{id}/log").GetAwaiter().GetResult().EnumerateArray().Select(l => l.GetProperty("text").GetString()!).ToList();

    /// <param name="primaryPort">The primary silo of localhost clustering: the first of <paramref name="silos"/> unless given (a silo joining a running cluster).</param>
    internal static async Task StartAllAsync(SiloProcess[] silos, string clusterId, string data, string? redis = null, int? primaryPort = null)
    {
        int primary = primaryPort ?? silos[0].SiloPort;
        foreach (var silo in silos)
        {
            silo.Host = ProcessHost.Start("Silo", "MusicCluster.Silo", new Dictionary<string, string>
            {
                ["Orleans__ClusterId"] = clusterId,
                ["Cluster__Clustering"] = redis is null ? "Localhost" : "Redis",
                ["Cluster__ConnectionString"] = redis ?? "",
                ["Cluster__SiloPort"] = silo.SiloPort.ToString(),
                ["Cluster__GatewayPort"] = silo.GatewayPort.ToString(),
                ["Cluster__PrimarySiloPort"] = primary.ToString(),
                ["MusicCluster__DataPath"] = data,
                ["MusicCluster__Accelerators"] = silo.Accelerators.ToString(),
                ["MusicCluster__MaxRunsPerSilo"] = silo.MaxRuns.ToString(),
                ["MusicCluster__Training__SupervisePeriodSeconds"] = "1",
            });
            await silo.Host.WaitForLineAsync("is ready", StartTimeout);
        }
    }

    internal static async Task<ProcessHost> StartClientAsync(SiloProcess[] silos, string clusterId, string data, int http, string? redis = null)
    {
        var client = ProcessHost.Start("Client", "MusicCluster.Client", new Dictionary<string, string>
        {
            ["Orleans__Mode"] = "Client",
            ["Orleans__ClusterId"] = clusterId,
            ["Cluster__Clustering"] = redis is null ? "Localhost" : "Redis",
            ["Cluster__ConnectionString"] = redis ?? "",
            ["Cluster__GatewayPorts"] = string.Join(",", silos.Select(s => s.GatewayPort)),
            ["MusicCluster__DataPath"] = data,
            ["MusicCluster__AdminPassword"] = Password,
        }, "--urls", $"http://127.0.0.1:{http}");
        await client.WaitForLineAsync("Now listening on", StartTimeout);
        return client;
    }

    internal static async Task<HttpClient> SignInAsync(int http)
    {
        var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() };
        var web = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{http}") };
        string page = await web.GetStringAsync("/login");
        const string marker = "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"";
        int start = page.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        string token = WebUtility.HtmlDecode(page[start..page.IndexOf('"', start)]);
        var response = await web.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["Password"] = Password, ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return web;
    }

    internal static async Task<JsonElement> StartRunAsync(HttpClient web, object request)
    {
        HttpResponseMessage response = await web.PostAsJsonAsync("/api/training-runs", request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    internal static Task<JsonElement> WaitRunAsync(HttpClient web, string id, Func<JsonElement, bool> condition, string what, TimeSpan? timeout = null) =>
        Poll.UntilAsync(async () =>
        {
            try { return await web.GetFromJsonAsync<JsonElement>($"/api/training-runs/{id}"); }
            // The cluster is reorganising after a silo left: ask again (a timeout says what the last answer was).
            catch (HttpRequestException e) { return JsonSerializer.SerializeToElement(new { requestFailed = e.Message }); }
        }, r => r.ValueKind == JsonValueKind.Object && !r.TryGetProperty("requestFailed", out _) && condition(r), timeout ?? Long, what);
}
