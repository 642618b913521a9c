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
            await client.TerminateAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            for (int i = silos.Count - 1; i >= 0; i--)
            {
                await silos[i].TerminateAsync(TimeSpan.FromSeconds(90));
                await silos[i].DisposeAsync();
            }
        }
    }
}
