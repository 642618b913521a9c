using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Music.Data;
using MusicCluster.Music.Midi;
using MusicCluster.Music.Notation;

namespace MusicCluster.Client.Tests;

/// <summary>DELETE /api/pieces/{id}: admin only; removes the library entry, the stored and rendered files and the state.</summary>
public sealed class PieceDeletionTests : IAsyncLifetime
{
    private readonly EmbeddedClientSettings _settings = EmbeddedClientSettings.CreateFresh();
    private ClientFactory _factory = null!;
    private IClusterClient _cluster = null!;

    public Task InitializeAsync()
    {
        _factory = new ClientFactory(_settings, AdminSession.Settings());
        _cluster = _factory.Services.GetRequiredService<IClusterClient>();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private Task<PieceDetails> CreateAsync(string id, string title) =>
        _cluster.GetGrain<IPieceGrain>(id).CreateAsync(new NewPiece(title, MidiFileWriter.Write(SyntheticCorpus.Generate(1, seed: 4)[0]), null, null));

    private string[] StoredFilesOf(string id) =>
        Directory.Exists(Path.Combine(_settings.DataPath, "pieces"))
            ? Directory.GetFiles(Path.Combine(_settings.DataPath, "pieces"), id + ".*").Select(f => Path.GetFileName(f)).ToArray()
            : [];

    [Fact]
    public async Task Only_an_admin_deletes_and_the_piece_its_files_and_its_listing_are_gone()
    {
        await CreateAsync("doomed", "Doomed chorale");
        await CreateAsync("kept", "Kept chorale");
        HttpClient anonymous = AdminSession.Anonymous(_factory);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync("/api/pieces/doomed/ratings", new { stars = 4 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/pieces/doomed/musicxml")).StatusCode);
        Assert.Equal(["doomed.mid", $"doomed.v{NotationScore.LayoutVersion}.musicxml"], StoredFilesOf("doomed").Order().ToArray());

        HttpResponseMessage refused = await anonymous.DeleteAsync("/api/pieces/doomed");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/pieces/doomed")).StatusCode);

        HttpClient admin = await AdminSession.SignInAsync(_factory);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/pieces/doomed")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync("/api/pieces/doomed")).StatusCode);
        Assert.Empty(StoredFilesOf("doomed"));
        JsonElement listed = await anonymous.GetFromJsonAsync<JsonElement>("/api/pieces?q=chorale");
        Assert.Equal(["kept"], listed.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetString()!).ToArray());
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/pieces/kept/midi")).StatusCode);

        // Gone for good: a second delete finds nothing, and the id starts afresh (no old ratings come back).
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync("/api/pieces/doomed")).StatusCode);
        PieceDetails again = await CreateAsync("doomed", "Doomed again");
        Assert.Equal(0, again.Rating.Count);
    }

    [Fact]
    public async Task Notation_an_earlier_layout_stored_is_rendered_again_and_deleted_with_the_piece()
    {
        await CreateAsync("renotated", "Renotated chorale");
        // What the first layout version left: notation under the unversioned names.
        string stale = Path.Combine(_settings.DataPath, "pieces", "renotated.musicxml");
        await File.WriteAllTextAsync(stale, "<score-partwise><part-list><score-part id=\"P1\"><part-name>Track 1</part-name></score-part></part-list></score-partwise>");
        await File.WriteAllTextAsync(Path.ChangeExtension(stale, ".jianpu.svg"), "<svg/>");
        HttpClient anonymous = AdminSession.Anonymous(_factory);

        string musicXml = await anonymous.GetStringAsync("/api/pieces/renotated/musicxml");
        Assert.Contains("<part-name>Soprano</part-name>", musicXml);
        Assert.DoesNotContain("Track 1", musicXml);

        HttpClient admin = await AdminSession.SignInAsync(_factory);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/api/pieces/renotated")).StatusCode);
        Assert.Empty(StoredFilesOf("renotated"));
    }

    [Fact]
    public async Task Deleting_a_malformed_id_is_a_400_naming_the_id()
    {
        HttpClient admin = await AdminSession.SignInAsync(_factory);
        HttpResponseMessage response = await admin.DeleteAsync("/api/pieces/Not-Valid!");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Not-Valid!", await response.Content.ReadAsStringAsync());
    }
}
