using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MusicCluster.Grains.Hosting;

namespace MusicCluster.Grains.Tests;

/// <summary>A real silo (AddMusicClusterSilo, local folder storage) in this process, on free ports, over a data folder.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private TestSilo(IHost host) => _host = host;

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    /// <param name="services">Registrations made before the silo's own (which add theirs only where none is registered).</param>
    public static async Task<TestSilo> StartAsync(string dataPath, IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        int siloPort = FreePort.Next(), gatewayPort = FreePort.Next();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing", DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cluster:Clustering"] = "Localhost",
            ["Cluster:SiloPort"] = siloPort.ToString(),
            ["Cluster:GatewayPort"] = gatewayPort.ToString(),
            ["Cluster:PrimarySiloPort"] = siloPort.ToString(),
            ["Orleans:ClusterId"] = "grains-tests-" + Guid.NewGuid().ToString("N")[..8],
            ["MusicCluster:DataPath"] = dataPath,
            ["MusicCluster:Accelerators"] = "0",
        }.Concat(settings));
        services?.Invoke(builder.Services);
        builder.UseOrleans(silo => silo.AddMusicClusterSilo(builder.Configuration));
        IHost host = builder.Build();
        await host.StartAsync();
        return new TestSilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
