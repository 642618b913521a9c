namespace MusicCluster.Browser.Tests;

/// <summary>A real Client process (embedded silo, fresh data folder, free ports) shared by the browser tests of a class.</summary>
public sealed class ClientProcessFixture : IAsyncLifetime
{
    private ProcessHost? _client;

    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var settings = EmbeddedClientSettings.CreateFresh();
        int http = FreePort.Next();
        var environment = settings.ToConfiguration().ToDictionary(kv => kv.Key.Replace(":", "__"), kv => kv.Value!);
        _client = ProcessHost.Start("Client", "MusicCluster.Client", environment, "--urls", $"http://127.0.0.1:{http}");
        await _client.WaitForLineAsync("Now listening on", TimeSpan.FromSeconds(120));
        BaseAddress = new Uri($"http://127.0.0.1:{http}");
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.TerminateAsync(TimeSpan.FromSeconds(60));
            await _client.DisposeAsync();
        }
    }
}
