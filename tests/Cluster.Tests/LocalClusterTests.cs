using System.Net.Http.Json;
using System.Text.Json;

namespace MusicCluster.Cluster.Tests;

/// <summary>Two Silo processes and a Client in cluster mode on one machine, as the README describes.</summary>
[Trait("Category", "Cluster")]
public sealed class LocalClusterTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Two_silos_and_a_client_form_one_cluster_and_a_terminated_silo_leaves_gracefully()
    {
        string data = RepositoryPaths.NewTempFolder("cluster-data");
        string clusterId = $"test-{Guid.NewGuid():N}";
        int primarySilo = FreePort.Next(), primaryGateway = FreePort.Next(), secondSilo = FreePort.Next(), secondGateway = FreePort.Next();
        int http = FreePort.Next();

        await using ProcessHost primary = StartSilo(primarySilo, primaryGateway, primarySilo, clusterId, data, accelerators: 1);
        await primary.WaitForLineAsync("is ready", StartTimeout);
        await using ProcessHost second = StartSilo(secondSilo, secondGateway, primarySilo, clusterId, data, accelerators: 0);
        await second.WaitForLineAsync("is ready", StartTimeout);

        await using ProcessHost client = ProcessHost.Start("Client", "MusicCluster.Client", new Dictionary<string, string>
        {
            ["Orleans__Mode"] = "Client",
            ["Orleans__ClusterId"] = clusterId,
            ["Cluster__Clustering"] = "Localhost",
            ["Cluster__GatewayPorts"] = $"{primaryGateway},{secondGateway}",
            ["MusicCluster__DataPath"] = data,
        }, "--urls", $"http://127.0.0.1:{http}");
        await client.WaitForLineAsync("Now listening on", StartTimeout);
        using var web = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") };

        Assert.Equal("Healthy", await web.GetStringAsync("/healthz"));
        JsonElement silos = (await web.GetFromJsonAsync<JsonElement>("/api/cluster")).GetProperty("silos");
        Assert.Equal(2, silos.GetArrayLength());
        Assert.All(silos.EnumerateArray(), s => Assert.Equal("Active", s.GetProperty("status").GetString()));
        Assert.Equal(1, AcceleratorsOfSiloOnPort(silos, primarySilo));
        Assert.Equal(0, AcceleratorsOfSiloOnPort(silos, secondSilo));

        // The separate dashboard host joins the same cluster as a client.
        int dashboardPort = FreePort.Next();
        await using (ProcessHost dashboard = ProcessHost.Start("Dashboard", "MusicCluster.Dashboard", new Dictionary<string, string>
        {
            ["Orleans__ClusterId"] = clusterId,
            ["Cluster__Clustering"] = "Localhost",
            ["Cluster__GatewayPorts"] = $"{primaryGateway},{secondGateway}",
        }, "--urls", $"http://127.0.0.1:{dashboardPort}"))
        {
            await dashboard.WaitForLineAsync("Now listening on", StartTimeout);
            using var dashboardWeb = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{dashboardPort}") };
            // The dashboard is the admin's: the page leads to its sign-in (DashboardHostTests signs in).
            HttpResponseMessage page = await dashboardWeb.GetAsync("/dashboard/");
            Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("/login", page.RequestMessage!.RequestUri!.AbsolutePath);
            Assert.Equal(0, await dashboard.TerminateAsync(TimeSpan.FromSeconds(60)));
        }

        int exitCode = await second.TerminateAsync(TimeSpan.FromSeconds(90));
        Assert.Equal(0, exitCode);
        Assert.Contains(second.Lines, line => line.Contains("shut down gracefully", StringComparison.Ordinal));

        // A gracefully stopped silo marks itself dead in the membership table; the client sees one active silo.
        JsonElement remaining = await ClusterApi.PollSilosAsync(web, s => s.GetArrayLength() == 1, TimeSpan.FromSeconds(60));
        Assert.Contains($":{primarySilo}@", remaining[0].GetProperty("address").GetString());

        await client.TerminateAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, await primary.TerminateAsync(TimeSpan.FromSeconds(90)));
    }

    [Fact]
    public async Task Sigterm_while_a_silo_is_still_starting_is_a_clean_exit()
    {
        int siloPort = FreePort.Next();
        await using ProcessHost silo = StartSilo(siloPort, FreePort.Next(), siloPort, $"test-{Guid.NewGuid():N}",
            RepositoryPaths.NewTempFolder("early-stop"), accelerators: 0);
        await silo.WaitForLineAsync("Starting silo", StartTimeout);
        int exit = await silo.TerminateAsync(TimeSpan.FromSeconds(90));
        Assert.True(exit == 0, $"exit {exit}:\n" + string.Join("\n", silo.Lines.TakeLast(30)));
        Assert.DoesNotContain(silo.Lines, line => line.Contains("Unhandled exception", StringComparison.Ordinal));
    }

    private static ProcessHost StartSilo(int siloPort, int gatewayPort, int primaryPort, string clusterId, string data, int accelerators) =>
        ProcessHost.Start("Silo", "MusicCluster.Silo", new Dictionary<string, string>
        {
            ["Orleans__ClusterId"] = clusterId,
            ["Cluster__Clustering"] = "Localhost",
            ["Cluster__SiloPort"] = siloPort.ToString(),
            ["Cluster__GatewayPort"] = gatewayPort.ToString(),
            ["Cluster__PrimarySiloPort"] = primaryPort.ToString(),
            ["MusicCluster__DataPath"] = data,
            ["MusicCluster__Accelerators"] = accelerators.ToString(),
            ["MusicCluster__Library__SeedCount"] = "0",
        });

    private static int AcceleratorsOfSiloOnPort(JsonElement silos, int port) =>
        silos.EnumerateArray().Single(s => s.GetProperty("address").GetString()!.Contains($":{port}@")).GetProperty("accelerators").GetInt32();
}
