using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Music.Data;
using MusicCluster.Music.Midi;

namespace MusicCluster.Client.Tests;

/// <summary>Stored pieces that went bad (a truncated MIDI file, a damaged render, a control character in a title):
/// problem details that say so, never a 500, and nothing rewritten to look good.</summary>
public sealed class DamagedPieceTests : IAsyncLifetime
{
    private readonly EmbeddedClientSettings _settings = EmbeddedClientSettings.CreateFresh();
    private ClientFactory _factory = null!;
    private IClusterClient _cluster = null!;
    private HttpClient _http = null!;

    public Task InitializeAsync()
    {
        _factory = new ClientFactory(_settings);
        _cluster = _factory.Services.GetRequiredService<IClusterClient>();
        _http = _factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private Task<PieceDetails> CreateAsync(string id, string title) =>
        _cluster.GetGrain<IPieceGrain>(id).CreateAsync(new NewPiece(title, MidiFileWriter.Write(SyntheticCorpus.Generate(1, seed: 4)[0]), null, null));

    private string StoredPath(string name) => Path.Combine(_settings.DataPath, "pieces", name);

    [Fact]
    public async Task A_truncated_midi_file_makes_every_file_and_analysis_a_409_saying_the_piece_is_damaged()
    {
        await CreateAsync("truncated", "Truncated chorale");
        byte[] midi = await File.ReadAllBytesAsync(StoredPath("truncated.mid"));
        await File.WriteAllBytesAsync(StoredPath("truncated.mid"), midi[..(midi.Length / 2)]);

        foreach (string path in new[] { "midi", "musicxml", "jianpu", "wav", "notes", "metrics" })
        {
            HttpResponseMessage response = await _http.GetAsync($"/api/pieces/truncated/{path}");
            Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"{path}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            JsonElement problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("Piece damaged", problem.GetProperty("title").GetString());
            Assert.Contains("truncated", problem.GetProperty("detail").GetString());
        }
        // The details stay readable and say what is wrong; the piece page shows it.
        JsonElement details = await _http.GetFromJsonAsync<JsonElement>("/api/pieces/truncated");
        Assert.Contains("SHA-256", details.GetProperty("damage").GetString());
        Assert.Contains("data-testid=\"piece-damaged\"", await _http.GetStringAsync("/pieces/truncated"));
        // Nothing was rewritten to match the damage.
        Assert.Equal(midi.Length / 2, new FileInfo(StoredPath("truncated.mid")).Length);

        // As a primer: a 400 naming the field.
        HttpResponseMessage primed = await _http.PostAsJsonAsync("/api/generations", new { bars = 1, primerPieceId = "truncated" });
        Assert.Equal(HttpStatusCode.BadRequest, primed.StatusCode);
        JsonElement errors = (await primed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("damaged", errors.GetProperty("primerPieceId")[0].GetString());
    }

    [Fact]
    public async Task A_damaged_render_is_rendered_again_from_the_midi()
    {
        await CreateAsync("rerendered", "Rerendered chorale");
        string first = await _http.GetStringAsync("/api/pieces/rerendered/musicxml");
        string stored = Directory.GetFiles(Path.Combine(_settings.DataPath, "pieces"), "rerendered.*musicxml").Single();
        await File.WriteAllTextAsync(stored, first[..100]);
        Assert.Equal(first, await _http.GetStringAsync("/api/pieces/rerendered/musicxml"));
        Assert.Equal(first, await File.ReadAllTextAsync(stored));
    }

    [Fact]
    public async Task A_control_character_in_a_title_is_left_out_of_the_notation()
    {
        // The notation's title is the one in the MIDI file (as generation writes it), here with control characters.
        var piece = SyntheticCorpus.Generate(1, seed: 4)[0];
        piece = piece with { Metadata = piece.Metadata with { Title = "Bell\u0001 chorale\u0007" } };
        await _cluster.GetGrain<IPieceGrain>("controlled").CreateAsync(new NewPiece("Bell chorale", MidiFileWriter.Write(piece), null, null));
        XDocument musicXml = XDocument.Parse(await _http.GetStringAsync("/api/pieces/controlled/musicxml"));
        Assert.Equal("Bell chorale", musicXml.Descendants("work-title").Single().Value);
        XDocument jianpu = XDocument.Parse(await _http.GetStringAsync("/api/pieces/controlled/jianpu"));
        Assert.Contains(jianpu.Descendants(), e => e.Value == "Bell chorale");
    }
}
