using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MusicCluster.Grains.Hosting;
using MusicCluster.Grains.Interfaces.Training;
using MusicCluster.Music.Storage;

namespace MusicCluster.Grains.Tests.Training;

/// <summary>One real silo in this process (localhost clustering on free ports, local folder storage), as the embedded Client runs it.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly IHost host;

    private TestSilo(IHost host, string dataPath)
    {
        this.host = host;
        DataPath = dataPath;
    }

    public string DataPath { get; }

    public IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();

    public IBlobStore Blobs => host.Services.GetRequiredService<IBlobStore>();

    public ITrainingRunIndexGrain Index => Grains.GetGrain<ITrainingRunIndexGrain>(0);

    public ITrainingRunGrain Run(string id) => Grains.GetGrain<ITrainingRunGrain>(id);

    public static async Task<TestSilo> StartAsync(int maxRunsPerSilo = 1)
    {
        string data = RepositoryPaths.NewTempFolder("grains-training");
        int silo = FreePort.Next();
        var settings = new Dictionary<string, string?>
        {
            ["Cluster:Clustering"] = "Localhost",
            ["Cluster:SiloPort"] = silo.ToString(),
            ["Cluster:GatewayPort"] = FreePort.Next().ToString(),
            ["Cluster:PrimarySiloPort"] = silo.ToString(),
            ["MusicCluster:DataPath"] = data,
            ["MusicCluster:Accelerators"] = "0",
            ["MusicCluster:MaxRunsPerSilo"] = maxRunsPerSilo.ToString(),
            ["MusicCluster:Training:SupervisePeriodSeconds"] = "0.5",
        };
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(s => s.AddMusicClusterSilo(builder.Configuration));
        IHost host = builder.Build();
        await host.StartAsync();
        return new TestSilo(host, data);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync(TimeSpan.FromSeconds(60));
        host.Dispose();
    }
}
