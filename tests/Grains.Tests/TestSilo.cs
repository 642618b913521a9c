using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MusicCluster.Grains.Hosting;

namespace MusicCluster.Grains.Tests;

/// <summary>
/// One real silo in this process (localhost clustering on free ports, its own data folder), configured exactly as
/// the Client's embedded silo is; tests call its grains through <see cref="Grains"/>.
/// </summary>
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

    public IServiceProvider Services => host.Services;

    /// <param name="services">Registrations made before the silo's own (which add theirs only where none is registered).</param>
    public static async Task<TestSilo> StartAsync(IReadOnlyDictionary<string, string?>? settings = null, string? dataPath = null, Action<IServiceCollection>? services = null)
    {
        var client = EmbeddedClientSettings.CreateFresh();
        dataPath ??= client.DataPath;
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(client.ToConfiguration());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["MusicCluster:DataPath"] = dataPath, ["MusicCluster:Accelerators"] = "0" });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        services?.Invoke(builder.Services);
        builder.UseOrleans(silo => silo.AddMusicClusterSilo(builder.Configuration));
        IHost host = builder.Build();
        await host.StartAsync();
        return new TestSilo(host, dataPath);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}

/// <summary>
/// One <see cref="TestSilo"/> shared by the tests of a class (IClassFixture) or a collection (ICollectionFixture):
/// starting a silo (and loading the shipped model into it) costs seconds, so tests that need no fresh silo share one
/// and keep apart by fresh grain keys.
/// </summary>
public abstract class SharedSilo(IReadOnlyDictionary<string, string?>? settings = null) : IAsyncLifetime
{
    public TestSilo Silo { get; private set; } = null!;

    public async Task InitializeAsync() => Silo = await TestSilo.StartAsync(settings);

    public async Task DisposeAsync() => await Silo.DisposeAsync();
}

/// <summary>A silo with default settings, for classes whose tests need nothing else.</summary>
public sealed class DefaultSilo : SharedSilo;
