using System.Text.Json;
using Azure.Storage.Blobs;

namespace MusicCluster.Cluster.Tests;

/// <summary>Cluster mode on Azure Storage (Azurite): Azure Table membership and Azure Blob grain state.</summary>
[Trait("Category", "Cluster")]
public sealed class AzureStorageClusterTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    [SkippableFact]
    public async Task Silos_on_azure_table_clustering_keep_grain_state_in_azure_blob_across_a_full_restart()
    {
        string connection = azurite.Azurite.ConnectionString;
        string clusterId = $"az{Guid.NewGuid():N}"[..20];
        int silo1 = FreePort.Next(), gateway1 = FreePort.Next(), silo2 = FreePort.Next(), gateway2 = FreePort.Next();

        Guid installation;
        // Silos must stop before Azurite does (the fixture outlives this method), or they retry the membership table.
        await using (ProcessHost first = StartSilo(connection, clusterId, silo1, gateway1))
        await using (ProcessHost second = StartSilo(connection, clusterId, silo2, gateway2))
        {
            installation = InstallationIdIn(await first.WaitForLineAsync("is active", StartTimeout));
            await second.WaitForLineAsync("is ready", StartTimeout);
            await first.WaitForLineAsync("is ready", StartTimeout);

            int http = FreePort.Next();
            await using ProcessHost client = ProcessHost.Start("Client", "MusicCluster.Client", new Dictionary<string, string>
            {
                ["Orleans__Mode"] = "Client",
                ["Orleans__ClusterId"] = clusterId,
                ["Cluster__Clustering"] = "AzureTable",
                ["Cluster__ConnectionString"] = connection,
            }, "--urls", $"http://127.0.0.1:{http}");
            await client.WaitForLineAsync("Now listening on", StartTimeout);
            using var web = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") };
            // Membership spreads through the table: wait until the silo the client reaches lists both.
            JsonElement silos = await ClusterApi.PollSilosAsync(web, s => s.GetArrayLength() == 2, TimeSpan.FromSeconds(60));
            Assert.All(silos.EnumerateArray(), s => Assert.Equal("Active", s.GetProperty("status").GetString()));

            Assert.Equal(0, await client.TerminateAsync(TimeSpan.FromSeconds(60)));
            Assert.Equal(0, await second.TerminateAsync(TimeSpan.FromSeconds(90)));
            Assert.Equal(0, await first.TerminateAsync(TimeSpan.FromSeconds(90)));
        }

        // Grain state is in the Azure Blob container Orleans' provider uses, not on local disk.
        var container = new BlobServiceClient(connection).GetBlobContainerClient("grainstate");
        Assert.True(await container.ExistsAsync(), "no grain state container in Azure Blob storage");

        // A full cluster restart (new silo ports, same cluster id and storage) finds the state written before.
        await using ProcessHost restarted = StartSilo(connection, clusterId, FreePort.Next(), FreePort.Next());
        string active = await restarted.WaitForLineAsync("is active", StartTimeout);
        await restarted.WaitForLineAsync("is ready", StartTimeout);
        Assert.Equal(installation, InstallationIdIn(active));
        Assert.Contains(", start 3)", active);
        int exit = await restarted.TerminateAsync(TimeSpan.FromSeconds(90));
        Assert.True(exit == 0, $"exit {exit}:\n" + string.Join("\n", restarted.Lines.TakeLast(40)));
    }

    private static ProcessHost StartSilo(string connection, string clusterId, int siloPort, int gatewayPort) =>
        ProcessHost.Start("Silo", "MusicCluster.Silo", new Dictionary<string, string>
        {
            ["Orleans__ClusterId"] = clusterId,
            ["Cluster__Clustering"] = "AzureTable",
            ["Cluster__ConnectionString"] = connection,
            ["Cluster__SiloPort"] = siloPort.ToString(),
            ["Cluster__GatewayPort"] = gatewayPort.ToString(),
            ["Cluster__AdvertisedIP"] = "127.0.0.1",
            ["Cluster__GrainStorage"] = "AzureBlob",
            ["Cluster__GrainStorageConnectionString"] = connection,
            ["MusicCluster__Storage__Kind"] = "AzureBlob",
            ["MusicCluster__Storage__AzureConnectionString"] = connection,
            ["MusicCluster__Accelerators"] = "0",
            ["MusicCluster__Library__SeedCount"] = "0",
        });

    private static Guid InstallationIdIn(string activeLine)
    {
        int start = activeLine.IndexOf("installation ", StringComparison.Ordinal) + "installation ".Length;
        return Guid.Parse(activeLine.AsSpan(start, 36));
    }
}
