using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Music.Midi;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Client.Tests;

/// <summary>POST /api/harmonisations and POST /api/pieces/{id}/regenerations against the shipped chorale and harmony models.</summary>
public sealed class RewritingApiTests(GenerationFixture fixture) : IClassFixture<GenerationFixture>
{
    private HttpClient Http => fixture.Http;

    /// <summary>Eight quarter notes up and down a D major scale, all inside the soprano's range.</summary>
    private static readonly object[] Tune = new[] { 62, 64, 66, 67, 69, 67, 66, 64 }.Select((pitch, i) => (object)new { pitch, start = (double)i, duration = 1.0 }).ToArray();

    private Task<JsonElement> WaitUntilDoneAsync(Guid id) =>
        Poll.UntilAsync(() => Http.GetFromJsonAsync<JsonElement>($"/api/generations/{id}"), s => s.GetProperty("status").GetString() != "Running",
            TimeSpan.FromSeconds(120), $"session {id} ended");

    private async Task<JsonElement> StartedAndDoneAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal($"/api/generations/{id}", response.Headers.Location?.OriginalString);
        var done = await WaitUntilDoneAsync(id);
        Assert.True(done.GetProperty("status").GetString() == "Completed", done.ToString());
        return done;
    }

    private async Task<PieceNotes> NotesAsync(string pieceId) => (await Http.GetFromJsonAsync<PieceNotes>($"/api/pieces/{pieceId}/notes", JsonSerializerOptions.Web))!;

    /// <summary>A four-part chorale of four bars in the library (voices held, moved and tied over bar lines).</summary>
    private async Task<string> ChoraleInLibraryAsync()
    {
        var steps = Enumerable.Range(0, 64).Select(step => (IReadOnlyList<int>)new[] { 72 - step / 8 % 3, 67 - step / 16, 60 + step / 12 % 2, 48 - step / 16 }).ToList();
        var piece = new ChoraleGrid(steps).ToPiece();
        string id = $"chorale-{Guid.NewGuid():N}"[..20];
        var cluster = fixture.Factory.Services.GetRequiredService<IClusterClient>();
        await cluster.GetGrain<IPieceGrain>(id).CreateAsync(new NewPiece("Test chorale", MidiFileWriter.Write(piece),
            new PieceProvenance("upload", "upload", 0, new Dictionary<string, string>(), DateTimeOffset.UtcNow, "", "", "", ""), null));
        return id;
    }

    [Fact]
    public async Task A_melody_is_harmonised_live_in_four_parts_kept_note_for_note_and_stored_with_its_provenance()
    {
        var done = await StartedAndDoneAsync(await Http.PostAsJsonAsync("/api/harmonisations", new { melodyNotes = Tune, seed = 3, candidates = 2 }));
        Assert.Equal(2, done.GetProperty("barScores").GetArrayLength());
        Assert.Equal("harmony", done.GetProperty("modelId").GetString());
        var notes = await NotesAsync(done.GetProperty("pieceId").GetString()!);
        Assert.Equal(Tune.Length, notes.Notes.Count(n => n.Track == 0));
        Assert.Equal([62, 64, 66, 67, 69, 67, 66, 64], notes.Notes.Where(n => n.Track == 0).OrderBy(n => n.Start).Select(n => n.Pitch));
        Assert.Equal([1, 2, 3], notes.Notes.Where(n => n.Track != 0).Select(n => n.Track).Distinct().Order());
        var piece = await Http.GetFromJsonAsync<JsonElement>($"/api/pieces/{done.GetProperty("pieceId").GetString()}");
        Assert.Equal("a melody of 8 notes", piece.GetProperty("provenance").GetProperty("parameters").GetProperty("melody").GetString());
    }

    [Theory]
    [InlineData("alto,tenor")]
    [InlineData("soprano,alto,tenor,bass")]
    public async Task Regenerating_bars_writes_a_new_piece_that_keeps_every_other_note_and_names_the_original(string voices)
    {
        string original = await ChoraleInLibraryAsync();
        var before = await NotesAsync(original);
        var done = await StartedAndDoneAsync(await Http.PostAsJsonAsync($"/api/pieces/{original}/regenerations",
            new { fromBar = 2, toBar = 3, voices = voices.Split(','), seed = 4, candidates = 2 }));
        string pieceId = done.GetProperty("pieceId").GetString()!;
        Assert.NotEqual(original, pieceId);
        var after = await NotesAsync(pieceId);
        var rewritten = voices.Split(',').Select(v => Array.FindIndex(ChoraleGrid.VoiceNames, n => n.Equals(v, StringComparison.OrdinalIgnoreCase))).ToHashSet();
        // Bars 2-3 are quarters 4-12.
        foreach (var note in before.Notes.Where(n => !rewritten.Contains(n.Track) || n.Start + n.Duration <= 4 || n.Start >= 12))
            Assert.Contains(note, after.Notes);
        Assert.Equal(4, done.GetProperty("barScores").GetArrayLength());
        var parameters = (await Http.GetFromJsonAsync<JsonElement>($"/api/pieces/{pieceId}")).GetProperty("provenance").GetProperty("parameters");
        Assert.Equal(original, parameters.GetProperty("regeneratedFrom").GetString());
        Assert.Equal("2-3", parameters.GetProperty("regeneratedBars").GetString());
    }

    private static async Task<string> FieldOfAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        var field = errors.EnumerateObject().Single();
        return $"{field.Name}: {field.Value[0].GetString()}";
    }

    [Theory]
    [InlineData("""{}""", "melodyNotes: give the melody one way")]
    [InlineData("""{"melodyNotes":[{"pitch":72,"start":0,"duration":1}],"melodyPieceId":"piece-1"}""", "melodyNotes: give the melody one way")]
    [InlineData("""{"melodyNotes":[]}""", "melodyNotes: the list holds no notes")]
    [InlineData("""{"melodyNotes":[{"pitch":200,"start":0,"duration":1}]}""", "melodyNotes[0].pitch:")]
    [InlineData("""{"melodyNotes":[{"pitch":72,"start":-1,"duration":1}]}""", "melodyNotes[0].start:")]
    [InlineData("""{"melodyNotes":[{"pitch":72,"start":300,"duration":1}]}""", "melodyNotes[0].start:")]
    [InlineData("""{"melodyNotes":[{"pitch":72,"start":0,"duration":0}]}""", "melodyNotes[0].duration:")]
    [InlineData("""{"melodyNotes":[{"pitch":72,"start":0,"duration":2},{"pitch":74,"start":1,"duration":1}]}""", "melodyNotes: Two notes sound at once: C5 at bar 1, beat 1")]
    [InlineData("""{"melodyNotes":[{"pitch":90,"start":0,"duration":1}]}""", "melodyNotes: F#6 at bar 1, beat 1 is outside the soprano's range")]
    [InlineData("""{"melodyPieceId":"no-such-piece"}""", "melodyPieceId: there is no piece 'no-such-piece'")]
    [InlineData("""{"melodyMidi":"TVRoZAAAAAY="}""", "melodyMidi:")]
    [InlineData("""{"melodyNotes":[{"pitch":72,"start":0,"duration":1}],"candidates":0}""", "candidates:")]
    [InlineData("""{"melodyNotes":[{"pitch":72,"start":0,"duration":1}],"temperature":-1}""", "temperature:")]
    [InlineData("""{"melodyNotes":[{"pitch":72,"start":0,"duration":1}],"modelId":"events"}""", "modelId:")]
    public async Task A_bad_harmonisation_request_is_a_400_naming_the_field(string body, string expected)
    {
        var response = await Http.PostAsync("/api/harmonisations", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.StartsWith(expected, await FieldOfAsync(response));
    }

    [Theory]
    [InlineData("""{"fromBar":0,"toBar":1}""", "fromBar: the piece has bars 1-4, not 0")]
    [InlineData("""{"fromBar":3,"toBar":2}""", "toBar: must be from fromBar (3) to the last bar (4), not 2")]
    [InlineData("""{"fromBar":2,"toBar":9}""", "toBar:")]
    [InlineData("""{"fromBar":1,"toBar":2,"voices":["baritone"]}""", "voices: 'baritone' is not a voice")]
    [InlineData("""{"fromBar":1,"toBar":2,"voices":["alto","alto","alto","alto","alto"]}""", "voices: at most 4")]
    public async Task A_bad_regeneration_request_is_a_400_naming_the_field(string body, string expected)
    {
        string original = await ChoraleInLibraryAsync();
        var response = await Http.PostAsync($"/api/pieces/{original}/regenerations", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.StartsWith(expected, await FieldOfAsync(response));
    }

    [Fact]
    public async Task Regenerating_a_missing_piece_is_a_404_and_a_piece_that_is_not_four_voices_a_400()
    {
        var missing = await Http.PostAsJsonAsync("/api/pieces/no-such-piece/regenerations", new { fromBar = 1, toBar = 1 });
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        string piano = $"piano-{Guid.NewGuid():N}"[..16];
        var cluster = fixture.Factory.Services.GetRequiredService<IClusterClient>();
        // Chords on one track: not four voices of one note at a time.
        var chords = MusicCluster.Music.Pieces.PieceBuilder.Normalize(new MusicCluster.Music.Pieces.Piece
        {
            Notes = [new(60, 0, 480, 80, 0), new(64, 0, 480, 80, 0), new(67, 0, 480, 80, 0), new(62, 480, 480, 80, 0), new(65, 480, 480, 80, 0)],
        });
        await cluster.GetGrain<IPieceGrain>(piano).CreateAsync(new NewPiece("Piano", MidiFileWriter.Write(chords),
            new PieceProvenance("upload", "upload", 0, new Dictionary<string, string>(), DateTimeOffset.UtcNow, "", "", "", ""), null));
        var response = await Http.PostAsJsonAsync($"/api/pieces/{piano}/regenerations", new { fromBar = 1, toBar = 1 });
        Assert.StartsWith("pieceId: regeneration", await FieldOfAsync(response));
    }
}
