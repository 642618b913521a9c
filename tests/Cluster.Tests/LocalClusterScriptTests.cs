using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MusicCluster.Cluster.Tests;

/// <summary>
/// deploy/local-cluster.sh as an operator runs it (already built, on ports of its own): two silos, the web app in
/// cluster mode and the dashboard; a piece is generated, a silo is killed, another piece is generated on the silo that
/// is left, and Ctrl-C stops every program the script started.
/// </summary>
[Trait("Category", "Cluster")]
public sealed partial class LocalClusterScriptTests
{
    [Fact]
    public async Task The_script_runs_a_cluster_that_outlives_a_killed_silo_and_stops_everything_on_ctrl_c()
    {
        int siloPort = FreePort.NextRange(2), gatewayPort = FreePort.NextRange(2), webPort = FreePort.Next();
        await using ProcessHost script = ProcessHost.StartScript("deploy/local-cluster.sh", new Dictionary<string, string>
        {
            ["SILO_PORT"] = siloPort.ToString(),
            ["GATEWAY_PORT"] = gatewayPort.ToString(),
            ["WEB_PORT"] = webPort.ToString(),
            ["DASHBOARD_PORT"] = FreePort.Next().ToString(),
            ["CLUSTER_LOGS"] = RepositoryPaths.NewTempFolder("local-cluster-logs"),
            ["CONFIGURATION"] = RepositoryPaths.BuildConfiguration,
            ["Orleans__ClusterId"] = $"script-{Guid.NewGuid():N}",
            ["MusicCluster__DataPath"] = RepositoryPaths.NewTempFolder("local-cluster-data"),
            ["MusicCluster__Library__SeedCount"] = "0",
            ["MusicCluster__Accelerators"] = "0",
        }, "--no-build", "2");
        await script.WaitForLineAsync("web client:", TimeSpan.FromMinutes(4));
        int[] silos = [PidOf(script, "silo 0 ready"), PidOf(script, "silo 1 ready")];
        int[] programs = [.. silos, PidOf(script, "client started"), PidOf(script, "dashboard started")];

        using var web = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort}") };
        await Poll.UntilAsync(() => HealthOf(web), h => h == "Healthy", TimeSpan.FromMinutes(2), "the web app answers /healthz");
        await SilosAsync(web, active: 2, TimeSpan.FromSeconds(60));
        await GenerateAsync(web, seed: 1);

        // A crash of the second silo (SIGKILL: nothing of its shutdown runs). The primary holds the membership of a
        // localhost cluster, so it is the other one that goes.
        using (var second = System.Diagnostics.Process.GetProcessById(silos[1])) second.Kill(); // SIGKILL on Linux
        await Poll.UntilAsync(() => Task.FromResult(IsRunning(silos[1])), running => !running, TimeSpan.FromSeconds(30), "the killed silo is gone");
        JsonElement left = await SilosAsync(web, active: 1, TimeSpan.FromMinutes(2));
        Assert.Contains(left.EnumerateArray(), s => s.GetProperty("status").GetString() == "Active" && s.GetProperty("address").GetString()!.Contains($":{siloPort}@"));
        await GenerateAsync(web, seed: 2);

        // Ctrl-C: the script stops the client, the dashboard and the silo that is left, and exits.
        Assert.Equal(130, await script.InterruptAsync(TimeSpan.FromMinutes(3)));
        Assert.Contains(script.Lines, l => l == "stopped");
        Assert.All(programs, pid => Assert.False(IsRunning(pid), $"process {pid} is still running after the script stopped"));
    }

    private static async Task GenerateAsync(HttpClient web, int seed)
    {
        // A silo's first session loads the model; on a loaded machine that can outlast Orleans' 30 s response timeout,
        // which the web app answers 503 with Retry-After: asked again, as a client should.
        HttpResponseMessage started = await Poll.UntilAsync(
            () => web.PostAsJsonAsync("/api/generations", new { bars = 1, seed, topK = 20 }),
            r => r.StatusCode != HttpStatusCode.ServiceUnavailable, TimeSpan.FromMinutes(3), "generation accepted");
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Guid id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        JsonElement done = await Poll.UntilAsync(() => web.GetFromJsonAsync<JsonElement>($"/api/generations/{id}"),
            s => s.GetProperty("status").GetString() != "Running", TimeSpan.FromMinutes(2), $"generation {id} ends");
        Assert.Equal("Completed", done.GetProperty("status").GetString());
        HttpResponseMessage midi = await web.GetAsync($"/api/pieces/{done.GetProperty("pieceId").GetString()}/midi");
        Assert.Equal(HttpStatusCode.OK, midi.StatusCode);
    }

    private static async Task<string> HealthOf(HttpClient web)
    {
        try
        {
            return await web.GetStringAsync("/healthz");
        }
        catch (HttpRequestException error)
        {
            return error.Message; // not listening yet, or not yet connected to the silos (503)
        }
    }

    /// <summary>
    /// Polls /api/cluster until it lists <paramref name="active"/> active silos. Until the cluster declares a killed silo
    /// dead, a call that went to it waits out Orleans' response timeout and is answered 503 (never 500): asked again.
    /// </summary>
    private static async Task<JsonElement> SilosAsync(HttpClient web, int active, TimeSpan timeout)
    {
        (HttpStatusCode Status, JsonElement Silos) last = await Poll.UntilAsync<(HttpStatusCode Status, JsonElement Silos)>(async () =>
        {
            using HttpResponseMessage response = await web.GetAsync("/api/cluster");
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable,
                $"/api/cluster: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable) Assert.True(response.Headers.RetryAfter is not null, "503 without Retry-After");
            return (response.StatusCode, response.StatusCode == HttpStatusCode.OK ? (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("silos").Clone()
                : default);
        }, r => r.Status == HttpStatusCode.OK && r.Silos.EnumerateArray().Count(s => s.GetProperty("status").GetString() == "Active") == active, timeout, $"{active} active silos");
        return last.Silos;
    }

    /// <summary>The pid the script printed on the line that starts with <paramref name="prefix"/> ("... (pid 1234, ...").</summary>
    private static int PidOf(ProcessHost script, string prefix)
    {
        string line = script.Lines.First(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return int.Parse(PidPattern().Match(line).Groups[1].Value);
    }

    /// <summary>Alive and not a zombie waiting for the script to reap it.</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false; // no such process
        }
    }

    [GeneratedRegex(@"\(pid (\d+)")]
    private static partial Regex PidPattern();
}
