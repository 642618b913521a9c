using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MusicCluster.Client.Services;
using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Grains.Library;
using MusicCluster.Music.Data;
using MusicCluster.Music.Midi;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Scoring;

namespace MusicCluster.Client.Tests;

/// <summary>A Client whose similarity reference is a small synthetic data set, with one piece copied from it and one of its own.</summary>
public sealed class AnalysisFixture : IAsyncLifetime
{
    public string ReferenceFolder { get; } = Path.Combine(RepositoryPaths.NewTempFolder("reference"), "synthetic-reference");
    public ClientFactory Factory { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    /// <summary>A synthetic chorale of 8 bars played twice: two excerpts of the shipped reference's 8 bars.</summary>
    public Piece Own { get; } = PlayedTwice(SyntheticCorpus.Generate(1, seed: 77)[0]);
    public (string Label, Piece Piece) Copied { get; private set; }
    public double[] OwnBarScores { get; private set; } = [];

    public async Task InitializeAsync()
    {
        DatasetImporter.WriteSynthetic(20, seed: 4, ReferenceFolder, new ImportOptions());
        Copied = TokenDataset.Open(ReferenceFolder).ReadPieces("train").First();
        Factory = new ClientFactory(EmbeddedClientSettings.CreateFresh(), new Dictionary<string, string?> { ["MusicCluster:ReferenceDataset"] = ReferenceFolder });
        Http = Factory.CreateClient();
        IClusterClient cluster = Factory.Services.GetRequiredService<IClusterClient>();
        int bars = Music.Notation.BarGrid.Compute(Own).Count;
        OwnBarScores = Enumerable.Range(0, bars).Select(i => 10.0 + 80.0 * i / Math.Max(1, bars - 1)).ToArray();
        await cluster.GetGrain<IPieceGrain>("own").CreateAsync(new NewPiece("Own piece", MidiFileWriter.Write(Own), null,
            new Grains.Interfaces.Library.PieceScore(50, OwnBarScores, "model-a", "step-1")));
        await cluster.GetGrain<IPieceGrain>("copied").CreateAsync(new NewPiece("Copied piece", MidiFileWriter.Write(Copied.Piece), null, null));
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();

    private static Piece PlayedTwice(Piece piece)
    {
        long length = Music.Notation.BarGrid.Compute(piece)[^1].EndTick;
        return piece with { Notes = [.. piece.Notes, .. piece.Notes.Select(n => n with { Start = n.Start + length })] };
    }
}

public sealed class PieceAnalysisApiTests(AnalysisFixture fixture) : IClassFixture<AnalysisFixture>
{
    private readonly HttpClient _http = fixture.Http;

    [Fact]
    public async Task Notes_come_in_quarter_notes_with_bar_starts_and_the_bar_scores_of_the_piece()
    {
        JsonElement roll = await _http.GetFromJsonAsync<JsonElement>("/api/pieces/own/notes");
        Piece own = fixture.Own;
        JsonElement[] notes = roll.GetProperty("notes").EnumerateArray().ToArray();
        Assert.Equal(own.Notes.Count, notes.Length);
        Assert.Equal(own.Notes.Select(n => (n.Start / (double)own.TicksPerQuarter, n.Pitch)).Order(),
            notes.Select(n => (n.GetProperty("start").GetDouble(), n.GetProperty("pitch").GetInt32())).Order());
        Assert.Equal(own.Notes.Sum(n => n.Duration) / (double)own.TicksPerQuarter, notes.Sum(n => n.GetProperty("duration").GetDouble()), 6);

        double[] barStarts = roll.GetProperty("barStarts").EnumerateArray().Select(b => b.GetDouble()).ToArray();
        Assert.Equal(0, barStarts[0]);
        Assert.Equal(Music.Notation.BarGrid.Compute(own).Select(b => b.StartTick / (double)own.TicksPerQuarter), barStarts);
        Assert.Equal(fixture.OwnBarScores, roll.GetProperty("barScores").EnumerateArray().Select(b => b.GetDouble()));
        Assert.Equal("model-a", roll.GetProperty("scoreModelId").GetString());
        Assert.Equal(own.EndTick / (double)own.TicksPerQuarter, roll.GetProperty("end").GetDouble(), 9);
    }

    [Fact]
    public async Task An_unscored_piece_has_notes_but_no_bar_scores()
    {
        JsonElement roll = await _http.GetFromJsonAsync<JsonElement>("/api/pieces/copied/notes");
        Assert.NotEmpty(roll.GetProperty("notes").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, roll.GetProperty("barScores").ValueKind);
    }

    [Fact]
    public async Task Metrics_compare_the_piece_with_the_reference_that_ships_with_the_model()
    {
        JsonElement report = await _http.GetFromJsonAsync<JsonElement>("/api/pieces/own/metrics");
        Assert.True(report.GetProperty("referenceAvailable").GetBoolean());
        Assert.Equal("train", report.GetProperty("referenceSplit").GetString());
        Assert.Contains("Jsb16thSeparated.json", report.GetProperty("referenceSource").GetString());
        var metrics = report.GetProperty("metrics").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);
        // Measured as the real music is: the median over the piece's excerpts of the reference's length.
        int excerptBars = report.GetProperty("excerptBars").GetInt32();
        List<Piece> excerpts = ReferenceMetrics.ExcerptsOf(fixture.Own, excerptBars).ToList();
        Assert.True(excerpts.Count >= 2, $"the piece has {excerpts.Count} excerpts of {excerptBars} bars");
        Assert.Equal(Music.Notation.BarGrid.Compute(fixture.Own).Count, report.GetProperty("pieceBars").GetInt32());
        Assert.Equal(excerpts.Count, report.GetProperty("pieceExcerpts").GetInt32());
        Assert.Empty(report.GetProperty("leftOut").EnumerateArray());
        double[] counts = excerpts.Select(e => (double)e.Notes.Count).Order().ToArray();
        double median = counts.Length % 2 == 1 ? counts[counts.Length / 2] : (counts[counts.Length / 2 - 1] + counts[counts.Length / 2]) / 2;
        Assert.Equal(median, metrics["note_count"].GetProperty("value").GetDouble());
        Assert.True(median < fixture.Own.Notes.Count, "the note count of 8 bars, not of the whole piece");
        JsonElement range = metrics["pitch_range"];
        Assert.Equal(ObjectiveMetrics.PitchRange(excerpts[0]), range.GetProperty("value").GetDouble());
        Assert.InRange(range.GetProperty("percentile").GetDouble(), 0, 100);
        Assert.Equal(ReferenceMetrics.HistogramBins, range.GetProperty("referenceHistogram").GetArrayLength());
        Assert.All(metrics.Values, m => Assert.InRange(m.GetProperty("percentile").GetDouble(), 0, 100));
        Assert.Equal(ObjectiveMetrics.PitchClassHistogram(fixture.Own),
            report.GetProperty("pieceHistograms").GetProperty("pitch_class_histogram").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(12, report.GetProperty("referenceHistograms").GetProperty("pitch_class_histogram").GetArrayLength());
    }

    [Fact]
    public async Task Similarity_finds_the_real_piece_a_piece_copies_and_shows_the_shared_passage()
    {
        JsonElement report = await _http.GetFromJsonAsync<JsonElement>("/api/pieces/copied/similarity");
        Assert.True(report.GetProperty("configured").GetBoolean());
        Assert.Contains("synthetic-reference", report.GetProperty("referenceName").GetString());
        Assert.Equal(TokenDataset.Open(fixture.ReferenceFolder).ReadSplit("train").Count(), report.GetProperty("referenceCount").GetInt32());
        Assert.True(report.GetProperty("flagged").GetBoolean());
        JsonElement nearest = report.GetProperty("nearest")[0];
        Assert.Equal(fixture.Copied.Label, nearest.GetProperty("referenceId").GetString());
        Assert.True(nearest.GetProperty("copiedShare").GetDouble() > 0.5);
        int[] Pitches(string name) => nearest.GetProperty(name).EnumerateArray().Select(n => n.GetProperty("pitch").GetInt32()).ToArray();
        Assert.True(Pitches("piecePassage").Length > 2);
        Assert.Equal(Pitches("referencePassage"), Pitches("piecePassage"));
    }

    [Fact]
    public async Task Analyses_are_kept_and_new_work_beyond_the_silos_concurrent_renders_is_refused_with_503_and_Retry_After()
    {
        IClusterClient cluster = fixture.Factory.Services.GetRequiredService<IClusterClient>();
        foreach (string id in new[] { "kept", "busy" })
            await cluster.GetGrain<IPieceGrain>(id).CreateAsync(new NewPiece(id, MidiFileWriter.Write(fixture.Copied.Piece), null, null));
        var computed = new Dictionary<string, string>();
        foreach (string analysis in new[] { "notes", "metrics", "similarity" })
            computed[analysis] = await _http.GetStringAsync($"/api/pieces/kept/{analysis}");

        // Every render slot of the (one, embedded) silo taken, as by that many long renders running at once.
        RenderSlots slots = fixture.Factory.Services.GetRequiredService<RenderSlots>();
        Assert.Equal(RenderLimits.DefaultConcurrentRenders, slots.Capacity);
        var held = Enumerable.Range(0, slots.Capacity).Select(_ => slots.TryTake()).ToList();
        try
        {
            Assert.All(held, Assert.NotNull);
            Assert.Null(slots.TryTake());
            // What was computed is served again without work, so without a slot.
            foreach (var (analysis, first) in computed)
                Assert.Equal(first, await _http.GetStringAsync($"/api/pieces/kept/{analysis}"));
            // The notes are kept without the score, which can change: a new score shows at once.
            double[] rescored = [1, 2, 3];
            await cluster.GetGrain<IPieceGrain>("kept").SetScoreAsync(new Grains.Interfaces.Library.PieceScore(2, rescored, "model-b", "step-2"));
            JsonElement notes = await _http.GetFromJsonAsync<JsonElement>("/api/pieces/kept/notes");
            Assert.Equal(rescored, notes.GetProperty("barScores").EnumerateArray().Select(b => b.GetDouble()));
            Assert.Equal("model-b", notes.GetProperty("scoreModelId").GetString());

            // New work is refused at once, naming the limit, and tells the client when to ask again.
            foreach (string work in new[] { "notes", "metrics", "similarity", "musicxml", "jianpu" })
            {
                HttpResponseMessage refused = await _http.GetAsync($"/api/pieces/busy/{work}");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
                Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
                Assert.Equal(TimeSpan.FromSeconds(RenderLimits.BusyRetryAfterSeconds), refused.Headers.RetryAfter?.Delta);
                JsonElement problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
                Assert.Equal("Server busy", problem.GetProperty("title").GetString());
                Assert.Equal(RenderLimits.ConcurrentRendersKey, problem.GetProperty("setting").GetString());
                Assert.Contains($"already running {slots.Capacity} renders and analyses", problem.GetProperty("detail").GetString());
            }
        }
        finally
        {
            foreach (IDisposable? slot in held) slot?.Dispose();
        }
        // With the slots free again the same requests are served.
        Assert.Equal(0, slots.InUse);
        foreach (string work in new[] { "notes", "metrics", "similarity", "musicxml" })
            Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync($"/api/pieces/busy/{work}")).StatusCode);
    }

    [Theory]
    [InlineData("notes")]
    [InlineData("metrics")]
    [InlineData("similarity")]
    public async Task Unknown_pieces_are_404_and_bad_ids_400(string analysis)
    {
        HttpResponseMessage missing = await _http.GetAsync($"/api/pieces/no-such-piece/{analysis}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        HttpResponseMessage bad = await _http.GetAsync($"/api/pieces/Bad_Id/{analysis}");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        JsonElement problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("id", out _), problem.ToString());
    }

    [Fact]
    public async Task The_piece_page_has_the_piano_roll_the_metrics_chart_and_the_similarity_section()
    {
        string html = await _http.GetStringAsync("/pieces/own");
        Assert.Contains("data-testid=\"piano-roll\"", html);
        Assert.Contains("data-testid=\"metrics-chart\"", html);
        Assert.Contains("data-testid=\"similarity\"", html);
        Assert.Contains("/lib/chartjs/chart.umd.min.js", html);
    }
}

/// <summary>A Client without a reference data set, and without seeding.</summary>
public sealed class LibraryWithoutReferenceTests
{
    [Fact]
    public async Task Similarity_says_that_no_reference_is_set_and_how_to_set_it()
    {
        await using var factory = new ClientFactory(EmbeddedClientSettings.CreateFresh());
        HttpClient http = factory.CreateClient();
        await factory.Services.GetRequiredService<IClusterClient>().GetGrain<IPieceGrain>("alone")
            .CreateAsync(new NewPiece("Alone", MidiFileWriter.Write(SyntheticCorpus.Generate(1, seed: 2)[0]), null, null));
        JsonElement report = await http.GetFromJsonAsync<JsonElement>("/api/pieces/alone/similarity");
        Assert.False(report.GetProperty("configured").GetBoolean());
        Assert.Contains("MusicCluster:ReferenceDataset", report.GetProperty("message").GetString());
        Assert.Empty(report.GetProperty("nearest").EnumerateArray());

        JsonElement seeding = await http.GetFromJsonAsync<JsonElement>("/api/library/seeding");
        Assert.Equal("Disabled", seeding.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, seeding.GetProperty("message").ValueKind);
        Assert.Contains("id=\"seeding\" class=\"mb-3 d-none\"", await http.GetStringAsync("/library"));
    }

    [Fact]
    public async Task A_reference_data_set_that_cannot_be_read_is_reported_not_a_500()
    {
        string missing = Path.Combine(RepositoryPaths.NewTempFolder("reference"), "not-there");
        await using var factory = new ClientFactory(EmbeddedClientSettings.CreateFresh(), new Dictionary<string, string?> { ["MusicCluster:ReferenceDataset"] = missing });
        HttpClient http = factory.CreateClient();
        await factory.Services.GetRequiredService<IClusterClient>().GetGrain<IPieceGrain>("alone")
            .CreateAsync(new NewPiece("Alone", MidiFileWriter.Write(SyntheticCorpus.Generate(1, seed: 2)[0]), null, null));
        JsonElement report = await http.GetFromJsonAsync<JsonElement>("/api/pieces/alone/similarity");
        Assert.False(report.GetProperty("configured").GetBoolean());
        Assert.Contains("not-there", report.GetProperty("message").GetString());
    }

    [Fact]
    public void The_seeding_sentence_names_done_and_total_while_running_and_nothing_once_done()
    {
        Assert.Equal("Generating the starter library: 120 of 300",
            LibraryService.DescribeSeeding(new SeedingProgress(SeedingStatus.Running, 120, 300, null, DateTimeOffset.UnixEpoch, null, 120)));
        Assert.Null(LibraryService.DescribeSeeding(new SeedingProgress(SeedingStatus.Completed, 300, 300, null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 300)));
        Assert.Contains("model missing", LibraryService.DescribeSeeding(new SeedingProgress(SeedingStatus.Failed, 3, 300, "model missing", null, null, 0)));
    }
}

/// <summary>A Client that seeds a tiny starter library with the shipped model at start.</summary>
public sealed class LibrarySeedingApiTests
{
    [Fact]
    public async Task A_fresh_client_seeds_its_starter_library_and_lists_it()
    {
        await using var factory = new ClientFactory(EmbeddedClientSettings.CreateFresh(), new Dictionary<string, string?>
        {
            ["MusicCluster:Library:SeedCount"] = "2",
            ["MusicCluster:Library:Bars"] = "1",
            ["MusicCluster:Library:BatchSize"] = "1",
            ["MusicCluster:Author"] = "Site Author",
        });
        HttpClient http = factory.CreateClient();
        JsonElement seeding = await Poll.UntilAsync(() => http.GetFromJsonAsync<JsonElement>("/api/library/seeding"),
            s => s.GetProperty("status").GetString() is "Completed" or "Failed", TimeSpan.FromMinutes(5), "seeding ended");
        Assert.Equal("Completed", seeding.GetProperty("status").GetString());
        Assert.Equal((2, 2), (seeding.GetProperty("done").GetInt32(), seeding.GetProperty("total").GetInt32()));

        JsonElement page = await http.GetFromJsonAsync<JsonElement>("/api/pieces?sort=score");
        Assert.Equal(2, page.GetProperty("total").GetInt32());
        JsonElement piece = await http.GetFromJsonAsync<JsonElement>("/api/pieces/starter-0001");
        Assert.Equal("Site Author", piece.GetProperty("provenance").GetProperty("author").GetString());
        Assert.Equal("default", piece.GetProperty("score").GetProperty("modelId").GetString());
        Assert.Contains("Chorale study No. 2", await http.GetStringAsync("/library"));
    }
}
