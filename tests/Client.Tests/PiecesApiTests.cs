using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Music.Data;
using MusicCluster.Music.Midi;
using MusicCluster.Music.Notation;
using MusicCluster.Music.Storage;

namespace MusicCluster.Client.Tests;

/// <summary>One Client with three pieces for all tests of the class; tests that change pieces make their own.</summary>
public sealed class PiecesFixture : IAsyncLifetime
{
    public ClientFactory Factory { get; } = new(EmbeddedClientSettings.CreateFresh());
    public HttpClient Http { get; private set; } = null!;
    public IClusterClient Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Http = Factory.CreateClient();
        Cluster = Factory.Services.GetRequiredService<IClusterClient>();
        string[] titles = ["Morning chorale", "Waltz in the rain", "Evening chorale"];
        double[] scores = [40, 90, 65];
        for (int i = 0; i < 3; i++)
            await CreateAsync($"piece-{i}", titles[i], scores[i], new DateTimeOffset(2026, 1, 1 + i, 0, 0, 0, TimeSpan.Zero));
    }

    public Task<PieceDetails> CreateAsync(string id, string title, double score, DateTimeOffset createdAt, string model = "model-a")
    {
        var provenance = new PieceProvenance(model, "step-100", 1, new Dictionary<string, string> { ["temperature"] = "0.9" },
            createdAt, "Ada", "Bach", "MusicCluster Lab", "CC BY 4.0");
        byte[] midi = MidiFileWriter.Write(SyntheticCorpus.Generate(1, seed: id.Length)[0]);
        return Cluster.GetGrain<IPieceGrain>(id).CreateAsync(new NewPiece(title, midi, provenance, new PieceScore(score, [score], model, "step-100")));
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}

public sealed class PiecesApiTests(PiecesFixture fixture) : IClassFixture<PiecesFixture>
{
    private readonly HttpClient _http = fixture.Http;
    private readonly IClusterClient _cluster = fixture.Cluster;

    private async Task<string[]> IdsAsync(string query)
    {
        JsonElement page = await _http.GetFromJsonAsync<JsonElement>("/api/pieces" + query);
        return page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetString()!).ToArray();
    }

    [Fact]
    public async Task Library_sorts_by_created_score_and_rating_and_pages()
    {
        // "piece-" matches the ids of the fixture's three pieces only (other tests add pieces of their own).
        Assert.Equal(["piece-2", "piece-1", "piece-0"], await IdsAsync("?q=piece-"));
        Assert.Equal(["piece-1", "piece-2", "piece-0"], await IdsAsync("?q=piece-&sort=score"));
        Assert.Equal(["piece-0", "piece-2", "piece-1"], await IdsAsync("?q=piece-&sort=score&order=asc"));
        Assert.Equal(["piece-2"], await IdsAsync("?q=piece-&sort=score&skip=1&take=1"));
        JsonElement page = await _http.GetFromJsonAsync<JsonElement>("/api/pieces?q=piece-&take=1");
        Assert.Equal(3, page.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Rating_sort_puts_the_best_rated_first_and_unrated_last()
    {
        var day = new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);
        await fixture.CreateAsync("rated-a", "Ratingset one", 10, day);
        await fixture.CreateAsync("rated-b", "Ratingset two", 10, day.AddDays(1));
        await fixture.CreateAsync("rated-c", "Ratingset three", 10, day.AddDays(2));
        await _http.PostAsJsonAsync("/api/pieces/rated-a/ratings", new { stars = 5 });
        await _http.PostAsJsonAsync("/api/pieces/rated-c/ratings", new { stars = 2 });
        Assert.Equal(["rated-a", "rated-c", "rated-b"], await IdsAsync("?q=ratingset&sort=rating"));
    }

    [Fact]
    public async Task Search_matches_title_and_provenance_words()
    {
        Assert.Equal(["piece-2", "piece-0"], await IdsAsync("?q=chorale%20piece-"));
        Assert.Equal(["piece-1"], await IdsAsync("?q=WALTZ%20rain"));
        Assert.Equal(3, (await IdsAsync("?q=bach%20piece-")).Length);
        Assert.Empty(await IdsAsync("?q=mozart"));
    }

    [Fact]
    public async Task A_piece_shows_provenance_score_and_rating()
    {
        await fixture.CreateAsync("shown", "Shown piece", 55, DateTimeOffset.UnixEpoch);
        JsonElement piece = await _http.GetFromJsonAsync<JsonElement>("/api/pieces/shown");
        Assert.Equal("Shown piece", piece.GetProperty("title").GetString());
        Assert.Equal("model-a", piece.GetProperty("score").GetProperty("modelId").GetString());
        Assert.Equal("CC BY 4.0", piece.GetProperty("provenance").GetProperty("licence").GetString());
        Assert.True(piece.GetProperty("noteCount").GetInt32() > 0);
        Assert.True(piece.GetProperty("bars").GetInt32() > 0);

        HttpResponseMessage rated = await _http.PostAsJsonAsync("/api/pieces/shown/ratings", new { stars = 4 });
        rated = await _http.PostAsJsonAsync("/api/pieces/shown/ratings", new { stars = 3 });
        JsonElement rating = await rated.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, rating.GetProperty("count").GetInt32());
        Assert.Equal(3.5, rating.GetProperty("mean").GetDouble(), 9);
    }

    [Fact]
    public async Task Files_download_as_midi_musicxml_jianpu_and_wav()
    {
        HttpResponseMessage midi = await _http.GetAsync("/api/pieces/piece-0/midi");
        Assert.Equal("audio/midi", midi.Content.Headers.ContentType?.MediaType);
        Assert.NotEmpty(MidiFileReader.Read(await midi.Content.ReadAsByteArrayAsync()).Notes);

        XDocument musicXml = XDocument.Parse(await _http.GetStringAsync("/api/pieces/piece-0/musicxml"));
        Assert.Equal("score-partwise", musicXml.Root!.Name.LocalName);
        XDocument jianpu = XDocument.Parse(await _http.GetStringAsync("/api/pieces/piece-0/jianpu"));
        Assert.Equal("svg", jianpu.Root!.Name.LocalName);

        byte[] wav = await _http.GetByteArrayAsync("/api/pieces/piece-0/wav");
        Assert.Equal("RIFF"u8.ToArray(), wav[..4]);
        // Rendered once, then served from blob storage: the same bytes again.
        Assert.Equal(wav, await _http.GetByteArrayAsync("/api/pieces/piece-0/wav"));
    }

    [Theory]
    [InlineData("/api/pieces?sort=loudness", "sort")]
    [InlineData("/api/pieces?take=0", "take")]
    [InlineData("/api/pieces?take=201", "take")]
    [InlineData("/api/pieces?skip=-1", "skip")]
    [InlineData("/api/pieces?order=sideways", "order")]
    [InlineData("/api/pieces/Not_An_Id", "id")]
    [InlineData("/api/pieces/piece-0/pdf", "format")]
    public async Task Bad_requests_are_400_problems_naming_the_field(string url, string field)
    {
        HttpResponseMessage response = await _http.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        JsonElement problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public async Task Ratings_outside_1_to_5_are_refused_and_change_nothing(int stars)
    {
        string id = $"unrated-{stars}";
        await fixture.CreateAsync(id, "Unrated", 50, DateTimeOffset.UnixEpoch);
        HttpResponseMessage response = await _http.PostAsJsonAsync($"/api/pieces/{id}/ratings", new { stars });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonElement piece = await _http.GetFromJsonAsync<JsonElement>($"/api/pieces/{id}");
        Assert.Equal(0, piece.GetProperty("rating").GetProperty("count").GetInt32());
    }

    [Theory]
    [InlineData("/api/pieces/no-such-piece")]
    [InlineData("/api/pieces/no-such-piece/midi")]
    public async Task Unknown_pieces_are_404_problems(string url)
    {
        HttpResponseMessage response = await _http.GetAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Malformed_rating_body_is_a_400_not_a_500()
    {
        var response = await _http.PostAsync("/api/pieces/piece-0/ratings", new StringContent("{\"stars\":", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Creating_a_piece_from_broken_midi_is_refused_naming_the_byte_and_stores_nothing()
    {
        byte[] midi = MidiFileWriter.Write(SyntheticCorpus.Generate(1, seed: 1)[0]);
        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() =>
            _cluster.GetGrain<IPieceGrain>("broken").CreateAsync(new NewPiece("Broken", midi[..20], null, null)));
        Assert.Contains("byte", error.Message);
        Assert.Null(await _cluster.GetGrain<IPieceGrain>("broken").GetAsync());
        Assert.Empty(await IdsAsync("?q=broken"));
    }

    [Fact]
    public async Task The_library_index_keeps_ten_thousand_pieces_in_order()
    {
        ILibraryGrain library = _cluster.GetGrain<ILibraryGrain>(0);
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (int i = 0; i < 10_000; i++)
            await library.UpsertAsync(new PieceSummary($"bulk-{i:D5}", $"Bulk {i}", start.AddMinutes(i), (i * 7919) % 10_000 / 100.0,
                new RatingSummary(0, 0), "model-b", 30, $"bulk {i} {(i % 10 == 0 ? "tenth" : "")}"));

        LibraryPage top = await library.ListAsync(new LibraryQuery(LibrarySort.Score, Descending: true, Skip: 0, Take: 200, Text: "bulk"));
        Assert.Equal(10_000, top.Total);
        Assert.True(top.Items.Zip(top.Items.Skip(1)).All(pair => pair.First.Score >= pair.Second.Score));
        LibraryPage tenths = await library.ListAsync(new LibraryQuery(LibrarySort.Created, Descending: true, Skip: 990, Take: 50, Text: "tenth"));
        Assert.Equal(1_000, tenths.Total);
        Assert.Equal(["bulk-00090", "bulk-00080", "bulk-00070", "bulk-00060", "bulk-00050", "bulk-00040", "bulk-00030", "bulk-00020", "bulk-00010", "bulk-00000"],
            tenths.Items.Select(p => p.Id));
    }

    [Fact]
    public async Task Renders_are_kept_and_a_second_request_is_served_from_the_store_without_rendering_again()
    {
        await fixture.CreateAsync("kept-renders", "Kept renders", 50, new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero));
        IBlobStore blobs = fixture.Factory.Services.GetRequiredService<IBlobStore>();
        foreach (var (format, blob) in new[]
        {
            ("musicxml", $"pieces/kept-renders.v{NotationScore.LayoutVersion}.musicxml"),
            ("jianpu", $"pieces/kept-renders.v{NotationScore.LayoutVersion}.jianpu.svg"),
            ("wav", "pieces/kept-renders.wav"),
        })
        {
            Assert.Null(await blobs.GetInfoAsync(blob));
            byte[] rendered = await _http.GetByteArrayAsync($"/api/pieces/kept-renders/{format}");
            Assert.Equal(rendered, await blobs.ReadVerifiedAsync(blob));
            // Replace the kept render (a proper write, with its integrity record) by something no renderer makes: the next
            // request answers with it, so it was served from the store, not rendered again.
            byte[] marker = System.Text.Encoding.ASCII.GetBytes($"kept {format} render");
            await blobs.WriteBytesAsync(blob, marker);
            Assert.Equal(marker, await _http.GetByteArrayAsync($"/api/pieces/kept-renders/{format}"));
        }
    }
}
