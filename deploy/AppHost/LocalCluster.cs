using System.Net.Sockets;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MusicCluster.AppHost;

/// <summary>
/// Azurite, N silos, the web app and the Orleans dashboard as Aspire resources. The programs read the project's own
/// configuration keys (README, Configuration: Azure Table membership and Azure Blob state on Azurite), so they get
/// those as environment variables. Aspire.Hosting.Orleans is not used: its references demand a clustering resource
/// (Azure Storage or Redis resources, which are containers or packages this project does not have) and configure
/// Orleans through Orleans' own keys (Orleans:Clustering:ProviderType), which would add a second membership provider
/// beside the project's. Aspire passes OTEL_EXPORTER_OTLP_ENDPOINT to each project, so their telemetry
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
        // Started is not ready: the programs that use Azurite wait until its table port (membership) accepts connections.
        azurite.WithListeningCheck(builder, "azurite-table", 10002);

        IResourceBuilder<ProjectResource>? primary = null;
        for (int i = 0; i < silos; i++)
        {
            int siloPort = 11111 + i, gatewayPort = 30000 + i;
            var silo = builder.AddProject<Projects.Silo>($"silo-{i}")
                .WithClusterStorage()
                .WithEnvironment("Cluster__SiloPort", siloPort.ToString())
                .WithEnvironment("Cluster__GatewayPort", gatewayPort.ToString())
                .WithEnvironment("Cluster__AdvertisedIP", "127.0.0.1")
                .WaitFor(azurite);
            if (primary is not null) silo.WaitFor(primary);
            // A silo is ready for clients when its gateway listens (it does so once it has joined the cluster).
            primary ??= silo.WithListeningCheck(builder, $"silo-{i}-gateway", gatewayPort);
        }

        var web = builder.AddProject<Projects.Client>("web", launchProfileName: null)
            .WithClusterStorage()
            .WithEnvironment("Orleans__Mode", "Client")
            // Not proxied: the web app listens on the port its Urls setting names (appsettings.json: 5000).
            .WithHttpEndpoint(port: 5000, isProxied: false)
            .WithEnvironment("Urls", "http://localhost:5000")
            .WaitFor(primary!);
        builder.AddProject<Projects.Dashboard>("orleans-dashboard", launchProfileName: null)
            .WithClusterStorage()
            .WithHttpEndpoint(port: 5050, isProxied: false)
            .WithEnvironment("Urls", "http://localhost:5050")
            .WaitFor(web);
        return builder;
    }

    /// <summary>A health check that passes once something listens on a loopback port; WaitFor on the resource waits for it.</summary>
    private static IResourceBuilder<T> WithListeningCheck<T>(this IResourceBuilder<T> resource, IDistributedApplicationBuilder builder, string name, int port)
        where T : IResource
    {
        builder.Services.AddHealthChecks().AddAsyncCheck(name, async cancellation =>
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, cancellation);
                return HealthCheckResult.Healthy();
            }
            catch (SocketException error)
            {
                return HealthCheckResult.Unhealthy($"nothing listens on port {port} yet ({error.SocketErrorCode})");
            }
        });
        return resource.WithHealthCheck(name);
    }

    /// <summary>The cluster's identity; Azure Table membership, Azure Blob grain state and blob store, all on Azurite.</summary>
    private static IResourceBuilder<ProjectResource> WithClusterStorage(this IResourceBuilder<ProjectResource> project) =>
        project.WithEnvironment("Orleans__ClusterId", "musiccluster-aspire")
               .WithEnvironment("Orleans__ServiceId", "musiccluster")
               .WithEnvironment("Cluster__Clustering", "AzureTable")
               .WithEnvironment("Cluster__ConnectionString", DevelopmentStorage)
               .WithEnvironment("Cluster__GrainStorage", "AzureBlob")
               .WithEnvironment("MusicCluster__Storage__Kind", "AzureBlob")
               .WithEnvironment("MusicCluster__Storage__AzureConnectionString", DevelopmentStorage)
               .WithEnvironment("MusicCluster__Library__SeedCount", "0");
}
