using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace MusicCluster.Client.Tests;

/// <summary>Generation requests beyond the running-session limits get 429 with Retry-After instead of queueing without bound.</summary>
public sealed class GenerationBackpressureTests
{
    [Fact]
    public async Task Beyond_the_per_address_limit_a_request_is_429_until_a_session_ends()
    {
        await using var factory = new ClientFactory(EmbeddedClientSettings.CreateFresh(), new Dictionary<string, string?>
        {
            ["MusicCluster:Limits:PendingGenerationsPerAddress"] = "1",
            ["MusicCluster:Library:SeedCount"] = "0",
        });
        HttpClient http = factory.CreateClient();
        HttpResponseMessage first = await http.PostAsJsonAsync("/api/generations", new { bars = 64, candidates = 1, seed = 1 });
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Guid running = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        HttpResponseMessage refused = await http.PostAsJsonAsync("/api/generations", new { bars = 1, seed = 2 });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);
        Assert.Contains("PendingGenerationsPerAddress", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());

        // A refused request left nothing behind, and once the running session ends the next one is taken.
        await http.PostAsync($"/api/generations/{running}/cancel", null);
        await Poll.UntilAsync(async () => await http.GetFromJsonAsync<JsonElement>($"/api/generations/{running}"),
            s => s.GetProperty("status").GetString() != "Running", TimeSpan.FromSeconds(30), "the cancelled session to end");
        HttpResponseMessage next = await http.PostAsJsonAsync("/api/generations", new { bars = 1, candidates = 1, seed = 3 });
        Assert.Equal(HttpStatusCode.Accepted, next.StatusCode);
    }
}
