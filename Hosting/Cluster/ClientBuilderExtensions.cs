using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace MusicCluster.Hosting;

/// <summary>How a pure Orleans client (the Client web app in cluster mode) finds the silos.</summary>
public static class ClientBuilderExtensions
{
    public static IClientBuilder AddMusicClusterClient(this IClientBuilder client, IConfiguration configuration)
    {
        ClusterSettings cluster = ClusterSettings.FromConfiguration(configuration);
        client.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = cluster.ClusterId;
            options.ServiceId = cluster.ServiceId;
        });
        // Grain calls carry the caller's trace (a web request's), so the silo's spans join it.
        client.AddActivityPropagation();
        switch (cluster.Clustering)
        {
            case ClusteringKind.Localhost:
                client.UseLocalhostClustering(cluster.GatewayPorts.ToArray(), cluster.ServiceId, cluster.ClusterId);
                break;
            case ClusteringKind.AzureTable:
                string tables = cluster.RequireConnectionString(cluster.ConnectionString, "Cluster:ConnectionString", "Azure Table clustering needs a storage connection string");
                client.UseAzureStorageClustering(options => options.TableServiceClient = new TableServiceClient(tables));
                break;
            case ClusteringKind.Redis:
                client.UseRedisClustering(cluster.RequireConnectionString(cluster.ConnectionString, "Cluster:ConnectionString",
                    "Redis clustering needs a Redis connection string"));
                break;
        }
        return client;
    }
}
