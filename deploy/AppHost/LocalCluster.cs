using Aspire.Hosting.ApplicationModel;

namespace MusicCluster.AppHost;

/// <summary>
/// Azurite, N silos, the web app and the Orleans dashboard as Aspire resources. The programs read the project's own
/// configuration keys (README, Configuration), so they get those as environment variables; the Orleans resource gives
/// them the cluster's identity. Aspire passes OTEL_EXPORTER_OTLP_ENDPOINT to each project, so their telemetry
/// (Hosting/Telemetry) shows in the Aspire dashboard.
/// </summary>
internal static class LocalCluster
{
    // Azurite's well-known development account: not a secret.
    private const string DevelopmentStorage = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;" +
        "TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;";

    public static IDistributedApplicationBuilder AddMusicClusterLocal(this IDistributedApplicationBuilder builder, int silos)
    {
        string root = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".."));
        // Azurite from npm (tests/tools, installed by ./test.sh or `npm ci --prefix tests/tools`), in memory.
        var azurite = builder.AddExecutable("azurite", Path.Combine(root, "tests", "tools", "node_modules", ".bin", "azurite"), root,
            "--inMemoryPersistence", "--skipApiVersionCheck", "--silent", "--loose",
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1");

        var orleans = builder.AddOrleans("musiccluster").WithClusterId("musiccluster").WithServiceId("musiccluster");

        var gateways = new List<int>();
        IResourceBuilder<ProjectResource>? primary = null;
        for (int i = 0; i < silos; i++)
        {
            int siloPort = 11111 + i, gatewayPort = 30000 + i;
            gateways.Add(gatewayPort);
            var silo = builder.AddProject<Projects.Silo>($"silo-{i}")
                .WithClusterIdentity(orleans)
                .WithClusterStorage()
                .WithEnvironment("Cluster__SiloPort", siloPort.ToString())
                .WithEnvironment("Cluster__GatewayPort", gatewayPort.ToString())
                .WithEnvironment("Cluster__AdvertisedIP", "127.0.0.1")
                .WaitFor(azurite);
            if (primary is not null) silo.WaitFor(primary);
            primary ??= silo;
        }

        string gatewayList = string.Join(',', gateways);
        var web = builder.AddProject<Projects.Client>("web", launchProfileName: null)
            .WithClusterIdentity(orleans)
            .WithClusterStorage()
            .WithEnvironment("Orleans__Mode", "Client")
            // Not proxied: the web app listens on the port its Urls setting names (appsettings.json: 5000).
            .WithHttpEndpoint(port: 5000, isProxied: false)
            .WithEnvironment("Urls", "http://localhost:5000")
            .WaitFor(primary!);
        builder.AddProject<Projects.Dashboard>("orleans-dashboard", launchProfileName: null)
            .WithClusterIdentity(orleans)
            .WithClusterStorage()
            .WithHttpEndpoint(port: 5050, isProxied: false)
            .WithEnvironment("Urls", "http://localhost:5050")
            .WaitFor(web);
        return builder;
    }

    /// <summary>Orleans__ClusterId / Orleans__ServiceId from the Orleans resource (its clustering is the project's own).</summary>
    private static IResourceBuilder<ProjectResource> WithClusterIdentity(this IResourceBuilder<ProjectResource> project, IResourceBuilder<OrleansService> orleans) =>
        project.WithEnvironment("Orleans__ClusterId", orleans.Resource.ClusterId!)
               .WithEnvironment("Orleans__ServiceId", orleans.Resource.ServiceId!);

    /// <summary>Azure Table membership, Azure Blob grain state and blob store, all on Azurite.</summary>
    private static IResourceBuilder<ProjectResource> WithClusterStorage(this IResourceBuilder<ProjectResource> project) =>
        project.WithEnvironment("Cluster__Clustering", "AzureTable")
               .WithEnvironment("Cluster__ConnectionString", DevelopmentStorage)
               .WithEnvironment("Cluster__GrainStorage", "AzureBlob")
               .WithEnvironment("MusicCluster__Storage__Kind", "AzureBlob")
               .WithEnvironment("MusicCluster__Storage__AzureConnectionString", DevelopmentStorage)
               .WithEnvironment("MusicCluster__Library__SeedCount", "0");
}
