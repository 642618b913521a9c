using System.Net.Http.Json;
using System.Text.Json;

namespace MusicCluster.Cluster.Tests;

/// <summary>Generation sessions on a cluster of three Silo processes, started through a Client in cluster mode.</summary>
[Trait("Category", "Cluster")]
public sealed class GenerationClusterTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Sessions_spread_over_three_silos_and_all_store_their_pieces()
    {
        string data = RepositoryPaths.NewTempFolder("cluster-generation");
        string clusterId = $"test-{Guid.NewGuid():N}";
        int primary = FreePort.Next();
        int[] siloPorts = [primary, FreePort.Next(), FreePort.Next()];
        int[] gateways = [FreePort.Next(), FreePort.Next(), FreePort.Next()];
        var silos = new List<ProcessHost>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                var silo = ProcessHost.Start("Silo", "MusicCluster.Silo", new Dictionary<string, string>
                {
                    ["Orleans__ClusterId"] = clusterId,
                    ["Cluster__Clustering"] = "Localhost",
                    ["Cluster__SiloPort"] = siloPorts[i].ToString(),
                    ["Cluster__GatewayPort"] = gateways[i].ToString(),
                    ["Cluster__PrimarySiloPort"] = primary.ToString(),
                    ["MusicCluster__DataPath"] = data,
                    ["MusicCluster__Accelerators"] = "0",
                });
                silos.Add(silo);
                await silo.WaitForLineAsync("is ready", StartTimeout);
            }
            int http = FreePort.Next();
            await using ProcessHost client = ProcessHost.Start("Client", "MusicCluster.Client", new Dictionary<string, string>
            {
                ["Orleans__Mode"] = "Client",
                ["Orleans__ClusterId"] = clusterId,
                ["Cluster__Clustering"] = "Localhost",
                ["Cluster__GatewayPorts"] = string.Join(',', gateways),
                ["MusicCluster__DataPath"] = data,
            }, "--urls", $"http://127.0.0.1:{http}");
            await client.WaitForLineAsync("Now listening on", StartTimeout);
            using var web = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") };
            await ClusterApi.PollSilosAsync(web, s => s.GetArrayLength() == 3, TimeSpan.FromSeconds(60));

            var ids = new List<Guid>();
            for (int i = 0; i < 9; i++)
            {
                var response = await web.PostAsJsonAsync("/api/generations", new { bars = 1, seed = i, topK = 20 });
                Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
                ids.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
            }
            var hosts = new HashSet<string>();
            foreach (Guid id in ids)
            {
                JsonElement session = await Poll.UntilAsync(() => web.GetFromJsonAsync<JsonElement>($"/api/generations/{id}"),
                    s => s.GetProperty("status").GetString() != "Running", TimeSpan.FromMinutes(3), $"session {id} ended");
                Assert.Equal("Completed", session.GetProperty("status").GetString());
                hosts.Add(session.GetProperty("siloAddress").GetString()!);
                var piece = await web.GetAsync($"/api/pieces/{session.GetProperty("pieceId").GetString()}");
                Assert.Equal(System.Net.HttpStatusCode.OK, piece.StatusCode);
            }
            Assert.True(hosts.Count >= 2, $"all 9 sessions ran on {string.Join(", ", hosts)}");

            // SIGKILL a (non-primary) silo while it generates: its session ends Failed saying why, and the same request
            // started again completes on the silos left.
            (Guid lost, int victim) = await StartSessionOnAsync(web, siloPorts[1..]);
            await silos[Array.IndexOf(siloPorts, victim)].KillAsync(TimeSpan.FromSeconds(30));
            // Until the cluster has declared the silo dead a read may find it unreachable: 503 with Retry-After, never 500.
            JsonElement failed = await Poll.UntilAsync(async () =>
            {
                HttpResponseMessage read = await web.GetAsync($"/api/generations/{lost}");
                if (read.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable)
                {
                    Assert.NotNull(read.Headers.RetryAfter);
                    return default;
                }
                Assert.True(read.StatusCode == System.Net.HttpStatusCode.OK,
                    $"{read.StatusCode}: {await read.Content.ReadAsStringAsync()}\n{string.Join('\n', client.Lines.TakeLast(40))}");
                return await read.Content.ReadFromJsonAsync<JsonElement>();
            }, s => s.ValueKind == JsonValueKind.Object && s.GetProperty("status").GetString() != "Running", TimeSpan.FromMinutes(2), "the session of the killed silo to end");
            Assert.Equal("Failed", failed.GetProperty("status").GetString());
            Assert.Contains("the silo running this session stopped before it finished", failed.GetProperty("error").GetString());
            Assert.Equal(JsonValueKind.Null, failed.GetProperty("pieceId").ValueKind);
            HttpResponseMessage retry = await web.PostAsJsonAsync("/api/generations", new { bars = 1, seed = 100, topK = 20 });
            Assert.Equal(System.Net.HttpStatusCode.Accepted, retry.StatusCode);
            Guid retried = (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            JsonElement completed = await Poll.UntilAsync(() => web.GetFromJsonAsync<JsonElement>($"/api/generations/{retried}"),
                s => s.GetProperty("status").GetString() != "Running", TimeSpan.FromMinutes(2), "the retried session to end");
            Assert.Equal("Completed", completed.GetProperty("status").GetString());
            Assert.DoesNotContain($"127.0.0.1:{victim}", completed.GetProperty("siloAddress").GetString());
            await client.TerminateAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            for (int i = silos.Count - 1; i >= 0; i--)
            {
                if (!silos[i].HasExited) await silos[i].TerminateAsync(TimeSpan.FromSeconds(90));
                await silos[i].DisposeAsync();
            }
        }
    }

    /// <summary>Starts long sessions until one runs on a silo of <paramref name="ports"/> (placement is random); the others are cancelled.</summary>
    private static async Task<(Guid Session, int SiloPort)> StartSessionOnAsync(HttpClient web, int[] ports)
    {
        for (int attempt = 0; attempt < 20; attempt++)
        {
            HttpResponseMessage response = await web.PostAsJsonAsync("/api/generations", new { bars = 64, seed = 50 + attempt, topK = 20, candidates = 1 });
            Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
            Guid id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            string silo = (await web.GetFromJsonAsync<JsonElement>($"/api/generations/{id}")).GetProperty("siloAddress").GetString()!;
            foreach (int port in ports)
                if (silo.Contains($"127.0.0.1:{port}", StringComparison.Ordinal)) return (id, port);
            await web.PostAsync($"/api/generations/{id}/cancel", null);
        }
        throw new InvalidOperationException("20 sessions in a row were placed on the primary silo");
    }
}
