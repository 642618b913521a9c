using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace MusicCluster.Cluster.Tests;

/// <summary>
/// The web app (embedded silo, local folder store) in a process whose files may not grow past 192 KiB (`ulimit -f`,
/// SIGXFSZ ignored: a write past the limit fails with EFBIG, as a full file system fails one with ENOSPC; no root
/// needed). Small writes (grain state, pieces' MIDI files) succeed; a piece's WAV render (megabytes) cannot be kept.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class FullDiskTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan WorkTimeout = TimeSpan.FromSeconds(180);
    private const int FileSizeLimitKiB = 192;

    [Fact]
    public async Task A_write_the_file_system_refuses_answers_507_naming_the_store_and_leaves_what_was_stored_and_no_temporary_file()
    {
        Prerequisite.Require(OperatingSystem.IsLinux() && File.Exists("/bin/bash"), "bash on Linux (ulimit -f)");
        EmbeddedClientSettings settings = EmbeddedClientSettings.CreateFresh();
        int port = FreePort.Next();
        await using ProcessHost process = ProcessHost.StartWithFileSizeLimit("Client", "MusicCluster.Client", FileSizeLimitKiB,
            new Dictionary<string, string>(settings.ToEnvironment()), "--urls", $"http://127.0.0.1:{port}");
        await process.WaitForLineAsync("Now listening on", StartTimeout);
        using var web = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        string pieceId = await GenerateAsync(web, seed: 1);
        string midiPath = Path.Combine(settings.DataPath, "pieces", pieceId + ".mid");
        byte[] midi = await File.ReadAllBytesAsync(midiPath);

        // The render is made, but the store cannot keep it: 507 with a problem naming the store and the blob, not 500.
        HttpResponseMessage wav = await web.GetAsync($"/api/pieces/{pieceId}/wav");
        string body = await wav.Content.ReadAsStringAsync();
        Assert.True(wav.StatusCode == HttpStatusCode.InsufficientStorage, $"{(int)wav.StatusCode}: {body}");
        Assert.Equal("application/problem+json", wav.Content.Headers.ContentType?.MediaType);
        using (JsonDocument problem = JsonDocument.Parse(body))
        {
            Assert.Equal("Storage full", problem.RootElement.GetProperty("title").GetString());
            Assert.Equal($"pieces/{pieceId}.wav", problem.RootElement.GetProperty("blob").GetString());
            Assert.Contains(Path.GetFullPath(settings.DataPath), problem.RootElement.GetProperty("store").GetString());
        }

        // Nothing partial or temporary left; what was stored before is intact and served.
        Assert.False(File.Exists(Path.Combine(settings.DataPath, "pieces", pieceId + ".wav")), "a partial WAV file was left in the store");
        await NoTemporaryFileLeftAsync(settings);
        Assert.Equal(midi, await File.ReadAllBytesAsync(midiPath));
        Assert.Equal(midi, await web.GetByteArrayAsync($"/api/pieces/{pieceId}/midi"));
        Assert.Equal(HttpStatusCode.OK, (await web.GetAsync($"/api/pieces/{pieceId}")).StatusCode);

        // The cluster API and page name the refused write. (The state itself is Full only until the next write
        // succeeds, and the silo's own small writes, such as the library index saved after the piece, may come first:
        // LocalFolderBlobStoreTests checks the state's moves; here the last problem must be there whatever came after.)
        JsonElement storage = (await web.GetFromJsonAsync<JsonElement>("/api/cluster")).GetProperty("storage");
        Assert.Contains(storage.GetProperty("state").GetString(), new[] { "Full", "Reachable" });
        string lastProblem = storage.GetProperty("lastProblem").GetString()!;
        Assert.StartsWith("Storage full", lastProblem);
        Assert.Contains($"pieces/{pieceId}.wav", lastProblem);
        Assert.Contains($"(last problem: {lastProblem})", storage.GetProperty("summary").GetString());
        string page = await web.GetStringAsync("/cluster");
        Assert.Contains(System.Net.WebUtility.HtmlEncode($"pieces/{pieceId}.wav"), page);

        // Small writes still fit: a new piece is stored, and the store reports itself writable again.
        string second = await GenerateAsync(web, seed: 2);
        Assert.NotEqual(pieceId, second);
        JsonElement after = (await web.GetFromJsonAsync<JsonElement>("/api/cluster")).GetProperty("storage");
        Assert.Equal("Reachable", after.GetProperty("state").GetString());
        await NoTemporaryFileLeftAsync(settings);
        Assert.Equal(0, await process.TerminateAsync(TimeSpan.FromSeconds(60)));
    }

    /// <summary>
    /// The store's temporary folder empties: the silo's own writes (library index, session state) may be in flight at any
    /// moment, each with a temporary file for a few milliseconds; one left behind by a refused write never goes.
    /// </summary>
    private static Task NoTemporaryFileLeftAsync(EmbeddedClientSettings settings) =>
        Poll.UntilAsync(() => Task.FromResult(Directory.GetFileSystemEntries(Path.Combine(settings.DataPath, ".tmp"))),
            entries => entries.Length == 0, TimeSpan.FromSeconds(30), "no temporary file left in the store");

    private static async Task<string> GenerateAsync(HttpClient web, int seed)
    {
        HttpResponseMessage started = await web.PostAsJsonAsync("/api/generations", new { bars = 4, seed, candidates = 1 });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Guid id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        JsonElement done = await Poll.UntilAsync(() => web.GetFromJsonAsync<JsonElement>($"/api/generations/{id}"),
            s => s.GetProperty("status").GetString() is not ("Running" or "Pending"), WorkTimeout, "the generation to end");
        Assert.True(done.GetProperty("status").GetString() == "Completed", done.ToString());
        return done.GetProperty("pieceId").GetString()!;
    }
}
