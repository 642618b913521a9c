using System.Globalization;
using System.Net;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using MusicCluster.Grains.Cluster;
using MusicCluster.Grains.Generation;
using MusicCluster.Grains.Inference;
using MusicCluster.Grains.Interfaces;
using MusicCluster.Grains.Library;
using MusicCluster.Grains.Storage;
using MusicCluster.Grains.Training;
using MusicCluster.Music.Runtime;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Storage;
using MusicCluster.Music.Training;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Runtime.Hosting;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Storage;

namespace MusicCluster.Grains.Hosting;

/// <summary>Everything a MusicCluster silo needs, the same in the embedded Client silo and the Silo process.</summary>
public static class SiloBuilderExtensions
{
    public static ISiloBuilder AddMusicClusterSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        Music.Runtime.OpenMpWaiting.PreferPassive(); // before the silo's first model loads libtorch
        var inference = InferenceOptions.FromConfiguration(configuration);
        if (inference.TorchThreads != 0) Music.Runtime.TorchThreads.PreferDefault(inference.TorchThreads); // the one rule (TorchThreads)
        ClusterSettings cluster = ClusterSettings.FromConfiguration(configuration);
        BlobStoreSettings storage = BlobStoreSettings.FromLookup(key => configuration[key]);

        silo.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = cluster.ClusterId;
            options.ServiceId = cluster.ServiceId;
        });
        silo.UseMusicClusterClustering(cluster);
        // Grain calls carry the caller's trace (W3C traceparent) and show as spans (Hosting/Telemetry exports them).
        silo.AddActivityPropagation();

        silo.Services.TryAddSingleton(TimeProvider.System); // a test's fake clock, registered first, wins
        silo.Services.TryAddSingleton(LiveUpdateSettings.From(configuration));
        silo.Services.TryAddSingleton<IBlobStore>(_ => storage.Create()); // a test's store (one that holds writes back, say), registered first, wins
        silo.Services.AddSingleton(inference);
        silo.Services.AddSingleton<ModelLoader>();
        silo.Services.AddSingleton<LiveWork>();
        silo.Services.AddSingleton<InferenceEngine>();
        silo.AddMusicClusterGrainStorage(cluster);
        // Storage that stays unreachable past its retries, or a full disk, reaches callers as one exception type.
        silo.AddIncomingGrainCallFilter<StorageFaultFilter>();

        silo.UseSiloMetadata(new Dictionary<string, string>
        {
            [SiloMetadataKeys.Accelerators] = AcceleratorCount(configuration).ToString(CultureInfo.InvariantCulture),
            [TrainingSlots.MetadataKey] = TrainingSlots.MaxRunsPerSilo(configuration).ToString(CultureInfo.InvariantCulture),
        });
        silo.AddMusicClusterTraining(configuration);
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SiloLifecycleLogger>();
        silo.AddMusicClusterLibrary(configuration);
        silo.AddDashboard();
        return silo;
    }

    /// <summary>The library's starter seeding: settings, authorship for provenance, the generation engine, the start hook.</summary>
    private static void AddMusicClusterLibrary(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.AddSingleton(LibrarySeedingSettings.From(configuration));
        silo.Services.AddSingleton(MidiLimits.From(configuration));
        silo.Services.AddSingleton(RenderLimits.From(configuration));
        silo.Services.AddSingleton<RenderSlots>();
        silo.Services.AddSingleton<PieceAnalysisCache>();
        silo.Services.TryAddSingleton(PieceAuthorship.From(configuration));
        silo.Services.TryAddSingleton<IScoringModelSource, CheckpointScoringModelSource>();
        silo.Services.AddSingleton<StarterLibraryEngine>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, LibrarySeederStartup>();
        silo.Services.AddSingleton(PieceReferenceSettings.From(configuration));
        silo.Services.AddSingleton<PieceReferenceData>();
    }

    /// <summary>MusicCluster:Accelerators when configured, else the CUDA devices libtorch sees.</summary>
    public static int AcceleratorCount(IConfiguration configuration)
    {
        string? configured = configuration["MusicCluster:Accelerators"];
        if (string.IsNullOrEmpty(configured)) return TorchRuntime.CudaDeviceCount();
        return int.TryParse(configured, NumberStyles.Integer, CultureInfo.InvariantCulture, out int count) && count >= 0
            ? count
            : throw new InvalidOperationException($"MusicCluster:Accelerators '{configured}' is not a non-negative integer");
    }

    private static void UseMusicClusterClustering(this ISiloBuilder silo, ClusterSettings cluster)
    {
        switch (cluster.Clustering)
        {
            case ClusteringKind.Localhost:
                silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, new IPEndPoint(IPAddress.Loopback, cluster.PrimarySiloPort),
                    cluster.ServiceId, cluster.ClusterId);
                break;
            case ClusteringKind.AzureTable:
                silo.ConfigureClusterEndpoints(cluster);
                string tables = cluster.RequireConnectionString(cluster.ConnectionString, "Cluster:ConnectionString", "Azure Table clustering needs a storage connection string");
                silo.UseAzureStorageClustering(options => options.TableServiceClient = new TableServiceClient(tables));
                break;
            case ClusteringKind.Redis:
                silo.ConfigureClusterEndpoints(cluster);
                silo.UseRedisClustering(cluster.RequireConnectionString(cluster.ConnectionString, "Cluster:ConnectionString", "Redis clustering needs a Redis connection string"));
                break;
        }
    }

    private static void ConfigureClusterEndpoints(this ISiloBuilder silo, ClusterSettings cluster)
    {
        if (cluster.AdvertisedIP is { } ip)
            silo.ConfigureEndpoints(IPAddress.Parse(ip), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
        else
            silo.ConfigureEndpoints(cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
    }

    private static void AddMusicClusterGrainStorage(this ISiloBuilder silo, ClusterSettings cluster)
    {
        switch (cluster.GrainStorage)
        {
            case GrainStorageKind.Local:
                silo.Services.AddGrainStorage(StorageNames.GrainState, (services, name) =>
                    new BlobGrainStorage(name, services.GetRequiredService<IBlobStore>(), services.GetRequiredService<IGrainStorageSerializer>()));
                break;
            case GrainStorageKind.AzureBlob:
                string blobs = cluster.RequireConnectionString(cluster.GrainStorageConnectionString, "Cluster:GrainStorageConnectionString",
                    "Azure Blob grain storage needs a storage connection string");
                silo.AddAzureBlobGrainStorage(StorageNames.GrainState, options => options.BlobServiceClient = new BlobServiceClient(blobs));
                break;
        }
    }
}
