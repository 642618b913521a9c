using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace MusicCluster.Client.Tests;

/// <summary>
/// The web app with its blob store (pieces, grain state) in a real Azurite that is stopped and started again while it
/// runs: a generation finishing during the outage keeps retrying its piece's write and stores it once Azurite is back;
/// the cluster API and page say storage is unreachable and retrying; an outage longer than the retry budget answers a
/// 503 problem naming the store (never 500), and nothing acknowledged is lost.
/// </summary>
public sealed class StorageOutageTests
{
    private const int RetrySeconds = 20; // under Orleans' 30-s grain call time-out, so the give-up is what the caller sees
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(180);

    [SkippableFact]
    public async Task Writes_retry_through_an_Azurite_restart_the_outage_shows_on_the_cluster_page_and_nothing_acknowledged_is_lost()
    {
        await using Azurite azurite = await Azurite.StartAsync(RepositoryPaths.NewTempFolder("azurite"));
        string container = $"outage-{Guid.NewGuid():N}";
        await using var factory = new ClientFactory(EmbeddedClientSettings.CreateFresh(), new Dictionary<string, string?>
        {
            ["MusicCluster:Storage:Kind"] = "AzureBlob",
            ["MusicCluster:Storage:AzureConnectionString"] = azurite.ConnectionString,
            ["MusicCluster:Storage:AzureContainer"] = container,
            ["MusicCluster:Storage:RetrySeconds"] = RetrySeconds.ToString(),
        });
        using HttpClient web = factory.CreateClient();
        web.Timeout = Patience;

        string before = await FinishedPieceAsync(web, await StartGenerationAsync(web, bars: 1, seed: 1));
        byte[] beforeMidi = await web.GetByteArrayAsync($"/api/pieces/{before}/midi");
        Assert.Equal("Reachable", (await StorageAsync(web)).GetProperty("state").GetString());

        // Outage 1, shorter than the budget: Azurite stops while a generation runs; its piece's write retries until it is back.
        Guid session = await StartGenerationAsync(web, bars: 8, seed: 2);
        await azurite.StopAsync();
        // The piece takes the session's id: its grain state and then its MIDI file are the blobs it waits on.
        string pieceId = $"{session:N}";
        JsonElement retrying = await Poll.UntilAsync(() => StorageAsync(web),
            s => s.GetProperty("state").GetString() == "Retrying" && s.GetProperty("lastProblem").GetString()!.Contains(pieceId, StringComparison.Ordinal),
            Patience, "the storing of the generation's piece to be retrying");
        Assert.Contains("retrying with backoff", retrying.GetProperty("summary").GetString());
        string page = await web.GetStringAsync("/cluster");
        Assert.Contains("data-state=\"Retrying\"", page);
        Assert.Contains("unreachable, retrying with backoff", page);
        Assert.Equal("Running", (await web.GetFromJsonAsync<JsonElement>($"/api/generations/{session}")).GetProperty("status").GetString());

        await azurite.RestartAsync();
        string during = await FinishedPieceAsync(web, session);
        Assert.Equal(pieceId, during);
        Assert.Equal(HttpStatusCode.OK, (await web.GetAsync($"/api/pieces/{during}/midi")).StatusCode);
        JsonElement recovered = await StorageAsync(web);
        Assert.Equal("Reachable", recovered.GetProperty("state").GetString());
        Assert.True(recovered.GetProperty("retries").GetInt64() > 0);

        // Outage 2, longer than the budget: a rating cannot be stored and says so with a 503 problem, not a 500.
        await azurite.StopAsync();
        HttpResponseMessage refused = await web.PostAsJsonAsync($"/api/pieces/{before}/ratings", new { stars = 4 });
        string body = await refused.Content.ReadAsStringAsync();
        Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)refused.StatusCode}: {body}");
        Assert.NotNull(refused.Headers.RetryAfter);
        using (JsonDocument problem = JsonDocument.Parse(body))
        {
            Assert.Equal("Storage unavailable", problem.RootElement.GetProperty("title").GetString());
            Assert.Contains(container, problem.RootElement.GetProperty("store").GetString());
            Assert.DoesNotContain("AccountKey", body);
        }
        Assert.NotEqual("Reachable", (await StorageAsync(web)).GetProperty("state").GetString());

        // Back: the rating is taken, and every piece acknowledged before and during the outages reads back unchanged.
        await azurite.RestartAsync();
        HttpResponseMessage rated = await web.PostAsJsonAsync($"/api/pieces/{before}/ratings", new { stars = 4 });
        Assert.True(rated.IsSuccessStatusCode, $"{(int)rated.StatusCode}: {await rated.Content.ReadAsStringAsync()}");
        Assert.Equal(beforeMidi, await web.GetByteArrayAsync($"/api/pieces/{before}/midi"));
        Assert.Equal(HttpStatusCode.OK, (await web.GetAsync($"/api/pieces/{during}/midi")).StatusCode);
        JsonElement listed = await web.GetFromJsonAsync<JsonElement>("/api/pieces?take=50");
        string listing = listed.ToString();
        Assert.Contains(before, listing);
        Assert.Contains(during, listing);
    }

    private static async Task<JsonElement> StorageAsync(HttpClient web) =>
        (await web.GetFromJsonAsync<JsonElement>("/api/cluster")).GetProperty("storage");

    private static async Task<Guid> StartGenerationAsync(HttpClient web, int bars, int seed)
    {
        HttpResponseMessage response = await web.PostAsJsonAsync("/api/generations", new { bars, seed, candidates = 1 });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static async Task<string> FinishedPieceAsync(HttpClient web, Guid session)
    {
        JsonElement done = await Poll.UntilAsync(() => web.GetFromJsonAsync<JsonElement>($"/api/generations/{session}"),
            s => s.GetProperty("status").GetString() is not ("Running" or "Pending"), Patience, "the generation to end");
        Assert.True(done.GetProperty("status").GetString() == "Completed", done.ToString());
        return done.GetProperty("pieceId").GetString()!;
    }
}
