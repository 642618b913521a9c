using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MusicCluster.Browser.Tests;

/// <summary>A real Client process (embedded silo, fresh data folder, free ports) shared by the browser tests of a class.</summary>
public class ClientProcessFixture : IAsyncLifetime
{
    private ProcessHost? _client;
    private IHost? _orleansClient;
    private EmbeddedClientSettings _settings = null!;

    /// <summary>The admin password the Client is started with (MusicCluster:AdminPassword).</summary>
    public const string AdminPassword = "browser-test-admin";

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Settings a derived fixture adds to (or overrides in) the Client's environment.</summary>
    protected virtual IReadOnlyDictionary<string, string> ExtraEnvironment() => new Dictionary<string, string>();

    public async Task InitializeAsync()
    {
        var settings = _settings = EmbeddedClientSettings.CreateFresh();
        int http = FreePort.Next();
        var environment = settings.ToEnvironment()
            .Concat(new Dictionary<string, string>
            {
                ["MusicCluster__AdminPassword"] = AdminPassword,
                ["MusicCluster__Training__SupervisePeriodSeconds"] = "1",
            })
            .Concat(ExtraEnvironment())
            .GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value);
        _client = ProcessHost.Start("Client", "MusicCluster.Client", environment, "--urls", $"http://127.0.0.1:{http}");
        await _client.WaitForLineAsync("Now listening on", TimeSpan.FromSeconds(120));
        BaseAddress = new Uri($"http://127.0.0.1:{http}");
    }

    /// <summary>An Orleans client connected to the Client's embedded silo through its gateway.</summary>
    public async Task<IClusterClient> ConnectAsync()
    {
        if (_orleansClient is null)
        {
            HostApplicationBuilder builder = Host.CreateApplicationBuilder();
            builder.UseOrleansClient(client => client.UseLocalhostClustering(_settings.GatewayPort, "musiccluster", "musiccluster"));
            _orleansClient = builder.Build();
            await _orleansClient.StartAsync();
        }
        return _orleansClient.Services.GetRequiredService<IClusterClient>();
    }

    public async Task DisposeAsync()
    {
        if (_orleansClient is not null)
        {
            await _orleansClient.StopAsync();
            _orleansClient.Dispose();
        }
        if (_client is not null)
        {
            await _client.TerminateAsync(TimeSpan.FromSeconds(60));
            await _client.DisposeAsync();
        }
    }
}
