using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using MusicCluster.Grains.Interfaces.Generation;

namespace MusicCluster.Client.Tests;

/// <summary>/hubs/generation through a real SignalR client: only existing sessions are watched, running ones followed,
/// and one connection's watches are bounded (60,000 watches of random ids once took this host 350 MB).</summary>
public sealed class GenerationHubTests : IAsyncLifetime
{
    private readonly ClientFactory _factory = new(EmbeddedClientSettings.CreateFresh(),
        new Dictionary<string, string?> { ["MusicCluster:Limits:WatchesPerConnection"] = "1", ["MusicCluster:Library:SeedCount"] = "0" });
    private HubConnection _hub = null!;

    public async Task InitializeAsync()
    {
        _hub = new HubConnectionBuilder()
            .WithUrl(new Uri(_factory.Server.BaseAddress, "/hubs/generation"), HttpTransportType.LongPolling,
                o => o.HttpMessageHandlerFactory = _ => _factory.Server.CreateHandler())
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()))
            .Build();
        await _hub.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _factory.DisposeAsync();
    }

    private async Task<Guid> StartLongGenerationAsync()
    {
        HttpResponseMessage response = await _factory.CreateClient().PostAsJsonAsync("/api/generations", new { bars = 64, candidates = 1, seed = 3 });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task Unknown_sessions_are_refused_and_one_connection_watches_no_more_than_its_limit()
    {
        var unknown = await Assert.ThrowsAsync<HubException>(() => _hub.InvokeAsync<GenerationSnapshot?>("Watch", Guid.NewGuid()));
        Assert.Contains("no generation session", unknown.Message);

        Guid first = await StartLongGenerationAsync(), second = await StartLongGenerationAsync();
        try
        {
            Assert.Equal(first, (await _hub.InvokeAsync<GenerationSnapshot?>("Watch", first))!.SessionId);
            var refused = await Assert.ThrowsAsync<HubException>(() => _hub.InvokeAsync<GenerationSnapshot?>("Watch", second));
            Assert.Contains("WatchesPerConnection", refused.Message);
            // Watching the same session again is no new watch; unwatching frees the place.
            Assert.NotNull(await _hub.InvokeAsync<GenerationSnapshot?>("Watch", first));
            await _hub.InvokeAsync("Unwatch", first);
            Assert.Equal(second, (await _hub.InvokeAsync<GenerationSnapshot?>("Watch", second))!.SessionId);
        }
        finally
        {
            HttpClient http = _factory.CreateClient();
            await http.PostAsync($"/api/generations/{first}/cancel", null);
            await http.PostAsync($"/api/generations/{second}/cancel", null);
        }
    }
}
