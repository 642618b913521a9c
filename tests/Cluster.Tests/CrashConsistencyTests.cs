using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace MusicCluster.Cluster.Tests;

/// <summary>
/// The Client as users run it (one process with its embedded silo) killed with SIGKILL, no shutdown code running, at
/// points chosen by what it reports (a starter piece stored, a generation acknowledged as stored, a generation part
/// way), then started again over the same data. After each restart the library must agree with itself: every stored
/// piece is listed exactly once and readable by id, nothing listed is missing, the seeding count matches, and nothing
/// acknowledged before a kill is lost.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class CrashConsistencyTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan WorkTimeout = TimeSpan.FromSeconds(180);

    /// <summary>Starter pieces: one bar each, one sampled at a time, so each is a progress event of its own.</summary>
    private const int SeedCount = 5;

    private const string StoredLine = "Starter piece ";

    [Fact]
    public async Task Killed_at_many_points_of_seeding_and_generation_the_library_listing_reads_and_counts_agree_after_restart()
    {
        EmbeddedClientSettings settings = EmbeddedClientSettings.CreateFresh();
        var acknowledged = new HashSet<string>(StringComparer.Ordinal);

        // Kill points 1 and 2: right after the first starter piece is stored, then after the second one the next run stores.
        foreach (int storedThisRun in new[] { 1, 2 })
        {
            await using var client = await StartAsync(settings);
            string[] stored = await StoredPiecesAsync(client.Process, storedThisRun);
            await client.Process.KillAsync(TimeSpan.FromSeconds(30));
            acknowledged.UnionWith(stored);
        }

        Guid interrupted;
        {
            // A run that finishes seeding; then a generation acknowledged as stored, and one killed part way through.
            await using var client = await StartAsync(settings);
            JsonElement seeding = await Poll.UntilAsync(() => client.Web.GetFromJsonAsync<JsonElement>("/api/library/seeding"),
                s => s.GetProperty("status").GetString() is "Completed" or "Failed", WorkTimeout, "seeding to finish");
            Assert.Equal("Completed", seeding.GetProperty("status").GetString());
            acknowledged.UnionWith(Enumerable.Range(0, SeedCount).Select(StarterId));
            await AssertConsistentAsync(client.Web, settings, acknowledged);

            JsonElement finished = await FinishedAsync(client.Web, await StartGenerationAsync(client.Web, bars: 1, seed: 1));
            Assert.Equal("Completed", finished.GetProperty("status").GetString());
            acknowledged.Add(finished.GetProperty("pieceId").GetString()!);
            // Kill point 3: a longer generation, as soon as it has notes (and within a second of the first one being stored).
            interrupted = await StartGenerationAsync(client.Web, bars: 16, seed: 2);
            await Poll.UntilAsync(() => client.Web.GetFromJsonAsync<JsonElement>($"/api/generations/{interrupted}"),
                s => s.GetProperty("status").GetString() != "Running" || s.GetProperty("notes").GetArrayLength() > 0, WorkTimeout, "the generation to have notes");
            await client.Process.KillAsync(TimeSpan.FromSeconds(30));
        }

        {
            await using var client = await StartAsync(settings);
            await AssertConsistentAsync(client.Web, settings, acknowledged);
            JsonElement seeding = await client.Web.GetFromJsonAsync<JsonElement>("/api/library/seeding");
            Assert.Equal(SeedCount, seeding.GetProperty("done").GetInt32());
            Assert.Equal(SeedCount, seeding.GetProperty("total").GetInt32());
            // The generation killed part way stored nothing, or a whole piece that is listed like the others.
            HttpResponseMessage session = await client.Web.GetAsync($"/api/generations/{interrupted}");
            if (session.StatusCode == HttpStatusCode.OK
                && (await session.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("pieceId", out JsonElement piece) && piece.ValueKind == JsonValueKind.String)
                Assert.Equal(HttpStatusCode.OK, (await client.Web.GetAsync($"/api/pieces/{piece.GetString()}/midi")).StatusCode);
            // A new generation after the crashes is stored and listed.
            JsonElement again = await FinishedAsync(client.Web, await StartGenerationAsync(client.Web, bars: 1, seed: 3));
            Assert.Equal("Completed", again.GetProperty("status").GetString());
            acknowledged.Add(again.GetProperty("pieceId").GetString()!);
            await AssertConsistentAsync(client.Web, settings, acknowledged);
            Assert.Equal(0, await client.Process.TerminateAsync(TimeSpan.FromSeconds(60)));
        }
    }

    private static string StarterId(int index) => $"starter-{index:D4}";

    /// <summary>
    /// Listing, per-id reads and the store agree: every piece whose MIDI file is stored either reads by id and is listed
    /// once, or neither (a file written just before a kill, never acknowledged); every listed piece reads with its MIDI
    /// file; every acknowledged piece is listed.
    /// </summary>
    private static async Task AssertConsistentAsync(HttpClient web, EmbeddedClientSettings settings, IReadOnlySet<string> acknowledged)
    {
        JsonElement page = await web.GetFromJsonAsync<JsonElement>("/api/pieces?take=200");
        string[] listed = page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetString()!).ToArray();
        Assert.Equal(listed.Length, listed.Distinct().Count());
        Assert.Equal(listed.Length, page.GetProperty("total").GetInt32());
        foreach (string id in listed)
            Assert.True((await web.GetAsync($"/api/pieces/{id}/midi")).StatusCode == HttpStatusCode.OK, $"listed piece {id} has no MIDI file");
        Assert.Empty(acknowledged.Except(listed));

        string folder = Path.Combine(settings.DataPath, "pieces");
        string[] storedFiles = Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*.mid").Select(f => Path.GetFileNameWithoutExtension(f)!).ToArray()
            : [];
        foreach (string id in storedFiles)
        {
            HttpStatusCode read = (await web.GetAsync($"/api/pieces/{id}")).StatusCode;
            Assert.True(read == HttpStatusCode.OK == listed.Contains(id), $"piece {id}: read by id {read}, listed {listed.Contains(id)}");
        }
    }

    /// <summary>The ids of the first <paramref name="count"/> starter pieces this run reports as stored.</summary>
    private static async Task<string[]> StoredPiecesAsync(ProcessHost client, int count)
    {
        string[] lines = await Poll.UntilAsync(() => Task.FromResult(client.Lines.Where(l => l.Contains(StoredLine, StringComparison.Ordinal)
            && l.Contains(" stored (", StringComparison.Ordinal)).ToArray()),
            l => l.Length >= count || client.HasExited, WorkTimeout, $"{count} starter pieces to be stored");
        Assert.False(client.HasExited, string.Join('\n', client.Lines));
        return lines.Take(count).Select(l => l[(l.IndexOf(StoredLine, StringComparison.Ordinal) + StoredLine.Length)..].Split(' ')[0]).ToArray();
    }

    private static async Task<Guid> StartGenerationAsync(HttpClient web, int bars, int seed)
    {
        HttpResponseMessage response = await web.PostAsJsonAsync("/api/generations", new { bars, seed, candidates = 1 });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static Task<JsonElement> FinishedAsync(HttpClient web, Guid session) =>
        Poll.UntilAsync(() => web.GetFromJsonAsync<JsonElement>($"/api/generations/{session}"),
            s => s.GetProperty("status").GetString() != "Running", WorkTimeout, $"generation {session} to finish");

    private sealed class RunningClient(ProcessHost process, HttpClient web) : IAsyncDisposable
    {
        public ProcessHost Process => process;
        public HttpClient Web => web;

        public async ValueTask DisposeAsync()
        {
            web.Dispose();
            await process.DisposeAsync();
        }
    }

    private static async Task<RunningClient> StartAsync(EmbeddedClientSettings settings)
    {
        var environment = new Dictionary<string, string>(settings.ToEnvironment())
        {
            ["MusicCluster__Library__SeedCount"] = SeedCount.ToString(),
            ["MusicCluster__Library__Bars"] = "1",
            ["MusicCluster__Library__BatchSize"] = "1",
            ["MusicCluster__Library__Candidates"] = "1",
            // The per-piece progress event the kill points are chosen by.
            ["Logging__LogLevel__MusicCluster.Grains.Library.LibrarySeederGrain"] = "Debug",
        };
        int port = FreePort.Next();
        ProcessHost process = ProcessHost.Start("Client", "MusicCluster.Client", environment, "--urls", $"http://127.0.0.1:{port}");
        await process.WaitForLineAsync("Now listening on", StartTimeout);
        return new RunningClient(process, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") });
    }
}
