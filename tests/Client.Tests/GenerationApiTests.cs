using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MusicCluster.Music.Data;
using MusicCluster.Music.Midi;

namespace MusicCluster.Client.Tests;

/// <summary>One Client for the generation and scoring endpoints.</summary>
public sealed class GenerationFixture : IAsyncLifetime
{
    public ClientFactory Factory { get; } = new(EmbeddedClientSettings.CreateFresh(), AdminSession.Settings());
    public HttpClient Http { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Http = Factory.CreateClient();
        Admin = await AdminSession.SignInAsync(Factory);
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}

public sealed class GenerationApiTests(GenerationFixture fixture) : IClassFixture<GenerationFixture>
{
    private HttpClient Http => fixture.Http;

    private Task<JsonElement> WaitUntilDoneAsync(Guid id, int seconds = 90) =>
        Poll.UntilAsync(() => Http.GetFromJsonAsync<JsonElement>($"/api/generations/{id}"), s => s.GetProperty("status").GetString() != "Running",
            TimeSpan.FromSeconds(seconds), $"session {id} ended");

    private static async Task<JsonElement> ProblemOf(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task A_generation_is_accepted_runs_to_a_stored_piece_and_is_the_latest()
    {
        var response = await Http.PostAsJsonAsync("/api/generations", new { bars = 1, seed = 5, topK = 20, temperature = 0.9 });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal($"/api/generations/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(id, (await Http.GetFromJsonAsync<JsonElement>("/api/generations/latest")).GetProperty("id").GetGuid());

        var done = await WaitUntilDoneAsync(id);
        Assert.Equal("Completed", done.GetProperty("status").GetString());
        Assert.True(done.GetProperty("notes").GetArrayLength() > 0);
        Assert.Equal(1, done.GetProperty("barScores").GetArrayLength());
        Assert.Equal(5, done.GetProperty("seed").GetInt64());
        string pieceId = done.GetProperty("pieceId").GetString()!;
        var inference = await Http.GetFromJsonAsync<JsonElement>("/api/inference");
        Assert.True(inference.GetProperty("hasEngine").GetBoolean());
        var shipped = inference.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("model").GetString() == "default/default");
        Assert.True(shipped.GetProperty("steps").GetInt64() > 0);
        Assert.True(shipped.GetProperty("maxBatch").GetInt32() >= 1);
        var piece = await Http.GetFromJsonAsync<JsonElement>($"/api/pieces/{pieceId}");
        Assert.Equal("default", piece.GetProperty("provenance").GetProperty("modelId").GetString());
    }

    [Theory]
    [InlineData("""{"bars":0}""", "bars")]
    [InlineData("""{"bars":65}""", "bars")]
    [InlineData("""{"bars":2,"temperature":-1}""", "temperature")]
    [InlineData("""{"bars":2,"topK":0}""", "topK")]
    [InlineData("""{"bars":2,"topP":2}""", "topP")]
    [InlineData("""{"bars":2,"modelId":"nope"}""", "modelId")]
    [InlineData("""{"bars":2,"primerPieceId":"no-such-piece"}""", "primerPieceId")]
    [InlineData("""{"bars":2,"primerMidi":"TVRoZAAAAAY="}""", "primerMidi")]
    [InlineData("""{"bars":2,"title":"a\u0001b"}""", "title")]
    [InlineData("""{"bars":1e9}""", "bars")]
    [InlineData("""{"bars":null}""", "bars")]
    [InlineData("""{"bars":"8"}""", "bars")]
    [InlineData("""{"bars":99999999999}""", "bars")]
    [InlineData("""{"bars":2,"temperature":NaN}""", "temperature")]
    [InlineData("""{"bars":2,"seed":1.5}""", "seed")]
    [InlineData("""{"bars":2,"primerMidi":"not base64!"}""", "primerMidi")]
    public async Task Bad_fields_are_400_problems_naming_the_field(string body, string field)
    {
        var response = await Http.PostAsync("/api/generations", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var problem = await ProblemOf(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), problem.ToString());
        Assert.NotEmpty(messages[0].GetString()!);
    }

    [Fact]
    public async Task Broken_primer_midi_names_the_byte()
    {
        var response = await Http.PostAsJsonAsync("/api/generations", new { bars = 2, primerMidi = Convert.ToBase64String("MThd\0\0\0\u0006\0\u0001"u8.ToArray()) });
        var problem = await ProblemOf(response, HttpStatusCode.BadRequest);
        Assert.Contains("byte", problem.GetProperty("errors").GetProperty("primerMidi")[0].GetString());
    }

    [Fact]
    public async Task Unknown_sessions_are_404_problems()
    {
        var id = Guid.NewGuid();
        await ProblemOf(await Http.GetAsync($"/api/generations/{id}"), HttpStatusCode.NotFound);
        await ProblemOf(await Http.PostAsync($"/api/generations/{id}/cancel", null), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/api/generations/not-a-guid")).StatusCode);
    }

    [Fact]
    public async Task A_cancelled_generation_ends_cancelled()
    {
        var response = await Http.PostAsJsonAsync("/api/generations", new { bars = 64, seed = 1 });
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.Accepted, (await Http.PostAsync($"/api/generations/{id}/cancel", null)).StatusCode);
        var done = await WaitUntilDoneAsync(id);
        Assert.Equal("Cancelled", done.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, done.GetProperty("pieceId").ValueKind);
    }

    private static MultipartFormDataContent Upload(byte[] bytes, string name = "file")
    {
        var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(bytes), name, "piece.mid");
        return form;
    }

    [Fact]
    public async Task Score_returns_overall_and_per_bar_scores_with_the_model()
    {
        byte[] midi = MidiFileWriter.Write(SyntheticCorpus.Generate(1, seed: 3)[0]);
        var response = await Http.PostAsync("/api/score", Upload(midi));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.InRange(result.GetProperty("overall").GetDouble(), 0, 100);
        int bars = result.GetProperty("bars").GetArrayLength();
        Assert.True(bars > 0);
        Assert.Equal(bars, result.GetProperty("barStarts").GetArrayLength());
        Assert.Equal("default", result.GetProperty("modelId").GetString());
    }

    [Fact]
    public async Task Score_refuses_bad_uploads_with_400_naming_the_problem()
    {
        byte[] midi = MidiFileWriter.Write(SyntheticCorpus.Generate(1, seed: 3)[0]);
        var truncated = await ProblemOf(await Http.PostAsync("/api/score", Upload(midi[..40])), HttpStatusCode.BadRequest);
        Assert.Contains("byte", truncated.GetProperty("errors").GetProperty("file")[0].GetString());

        var missing = await ProblemOf(await Http.PostAsync("/api/score", Upload(midi, "other")), HttpStatusCode.BadRequest);
        Assert.True(missing.GetProperty("errors").TryGetProperty("file", out _));
        var notForm = await ProblemOf(await Http.PostAsync("/api/score", new ByteArrayContent(midi)), HttpStatusCode.BadRequest);
        Assert.True(notForm.GetProperty("errors").TryGetProperty("file", out _));
        var empty = await ProblemOf(await Http.PostAsync("/api/score", Upload([])), HttpStatusCode.BadRequest);
        Assert.True(empty.GetProperty("errors").TryGetProperty("file", out _));

        var form = Upload(midi);
        form.Add(new StringContent("nope"), "model");
        var model = await ProblemOf(await Http.PostAsync("/api/score", form), HttpStatusCode.BadRequest);
        Assert.True(model.GetProperty("errors").TryGetProperty("model", out _));
    }

    /// <summary>45 bytes: 4 ticks per quarter, 1/16 time (one tick per bar), one note 268,435,455 ticks in.</summary>
    private static readonly byte[] MillionBarMidi =
    [
        0x4D, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 0, 0, 1, 0, 4,
        0x4D, 0x54, 0x72, 0x6B, 0, 0, 0, 23,
        0x00, 0xFF, 0x58, 0x04, 0x01, 0x04, 0x02, 0x08,
        0x8F, 0xFF, 0xFF, 0x7F, 0x90, 0x3C, 0x40,
        0x01, 0x80, 0x3C, 0x40,
        0x00, 0xFF, 0x2F, 0x00,
    ];

    [Fact]
    public async Task A_tiny_file_claiming_millions_of_bars_is_refused_before_any_work_as_upload_and_as_primer()
    {
        var scored = await ProblemOf(await Http.PostAsync("/api/score", Upload(MillionBarMidi)), HttpStatusCode.BadRequest);
        string scoredMessage = scored.GetProperty("errors").GetProperty("file")[0].GetString()!;
        Assert.Contains("more than 1,000 bars", scoredMessage);
        Assert.Contains("MusicCluster:Limits:MaxBars", scoredMessage);

        var primed = await ProblemOf(await Http.PostAsJsonAsync("/api/generations", new { bars = 1, primerMidi = Convert.ToBase64String(MillionBarMidi) }),
            HttpStatusCode.BadRequest);
        Assert.Contains("more than 1,000 bars", primed.GetProperty("errors").GetProperty("primerMidi")[0].GetString());
    }

    [Fact]
    public async Task Models_lists_the_shipped_model_as_default()
    {
        var catalog = await Http.GetFromJsonAsync<JsonElement>("/api/models");
        Assert.Equal("default", catalog.GetProperty("default").GetProperty("modelId").GetString());
        Assert.Contains(catalog.GetProperty("models").EnumerateArray(), m => m.GetProperty("modelId").GetString() == "default");
    }

    [Fact]
    public async Task Scoring_jobs_need_the_admin_report_progress_and_refuse_bad_requests()
    {
        // A job overwrites stored scores: anonymous callers are refused before anything starts.
        await ProblemOf(await Http.PostAsJsonAsync("/api/scoring-jobs", new { pieceIds = new[] { "missing-piece" } }), HttpStatusCode.Unauthorized);

        var response = await fixture.Admin.PostAsJsonAsync("/api/scoring-jobs", new { pieceIds = new[] { "missing-piece" } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetGuid();
        JsonElement job = await Poll.UntilAsync(async () => await Http.GetFromJsonAsync<JsonElement>($"/api/scoring-jobs/{id}"),
            j => j.GetProperty("status").GetString() != "Running", TimeSpan.FromSeconds(30), "the scoring job to finish");
        Assert.Equal(("Completed", 1, 0, 1),
            (job.GetProperty("status").GetString(), job.GetProperty("total").GetInt32(), job.GetProperty("done").GetInt32(), job.GetProperty("failed").GetInt32()));

        await ProblemOf(await Http.GetAsync($"/api/scoring-jobs/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        var empty = await ProblemOf(await fixture.Admin.PostAsJsonAsync("/api/scoring-jobs", new { pieceIds = Array.Empty<string>() }), HttpStatusCode.BadRequest);
        Assert.True(empty.GetProperty("errors").TryGetProperty("pieceIds", out _));
        var model = await ProblemOf(await fixture.Admin.PostAsJsonAsync("/api/scoring-jobs", new { model = "nope" }), HttpStatusCode.BadRequest);
        Assert.True(model.GetProperty("errors").TryGetProperty("model", out _));
    }

    [Fact]
    public async Task The_studio_the_evaluation_room_and_the_overlay_pages_render()
    {
        string studio = await Http.GetStringAsync("/");
        Assert.Contains("id=\"generate-form\"", studio);
        Assert.Contains("data-testid=\"about\"", studio);
        Assert.Contains("id=\"piano\"", await Http.GetStringAsync("/evaluate"));
        Assert.Contains("data-testid=\"obs-overlay\"", await Http.GetStringAsync("/obs"));
    }
}
