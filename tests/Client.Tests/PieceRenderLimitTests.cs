using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Music.Midi;
using MusicCluster.Music.Pieces;
using static MusicCluster.Client.Tests.LimitsFixture;

namespace MusicCluster.Client.Tests;

/// <summary>
/// Renders of stored pieces are bounded: a piece longer than MusicCluster:Limits:MaxWavSeconds gets no audio (422,
/// before any rendering), and a render that runs past MusicCluster:Limits:RenderSeconds is stopped (503) with nothing
/// of it kept. The limits are configured small (<see cref="LimitsFixture"/>: 30 s of audio, 10 ms of rendering).
/// </summary>
[Collection(LimitsCollection.Name)]
public sealed class PieceRenderLimitTests(LimitsFixture fixture)
{
    /// <summary>A four-part piece in 4/4 at 120 BPM (2 s a bar): <paramref name="notesPerBeat"/> notes a beat in each voice.</summary>
    private async Task CreateAsync(string id, int bars, int notesPerBeat = 1)
    {
        int[] voices = [72, 67, 64, 48];
        int step = Piece.DefaultTicksPerQuarter / notesPerBeat;
        var notes = new List<Note>();
        for (int beat = 0; beat < bars * 4 * notesPerBeat; beat++)
            for (int voice = 0; voice < voices.Length; voice++)
                notes.Add(new Note(voices[voice] + beat % 5, (long)beat * step, step, 80, voice, voice));
        Piece piece = PieceBuilder.Normalize(new Piece
        {
            Notes = notes,
            Tempos = [TempoChange.FromBpm(0, 120)],
            TimeSignatures = [new TimeSignature(0, 4, 4)],
            Tracks = [new TrackInfo(0, "Soprano", 0, 0), new TrackInfo(1, "Alto", 0, 1), new TrackInfo(2, "Tenor", 0, 2), new TrackInfo(3, "Bass", 0, 3)],
            Metadata = new PieceMetadata { Title = id },
        });
        await fixture.Cluster.GetGrain<IPieceGrain>(id).CreateAsync(new NewPiece(id, MidiFileWriter.Write(piece), null, null));
    }

    /// <summary>What the store holds for a piece: its MIDI file, and renders only when they were finished.</summary>
    private string[] StoredFiles(string id) =>
        Directory.GetFiles(Path.Combine(fixture.Settings.DataPath, "pieces"), id + ".*").Select(Path.GetFileName).Order().ToArray()!;

    private static async Task<JsonElement> ProblemOf(HttpResponseMessage response, HttpStatusCode status)
    {
        string what = response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true
            ? await response.Content.ReadAsStringAsync()
            : $"{response.Content.Headers.ContentType} of {response.Content.Headers.ContentLength} bytes";
        Assert.True(response.StatusCode == status, $"{response.StatusCode}: {what}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task A_piece_longer_than_the_audio_limit_gets_a_422_naming_the_limit_before_any_rendering()
    {
        // 20 bars at 2 s: 40 s, and 1 s of fade-out.
        await CreateAsync("forty-seconds", bars: 20);
        JsonElement problem = await ProblemOf(await fixture.Http.GetAsync("/api/pieces/forty-seconds/wav"), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("Piece too long for audio", problem.GetProperty("title").GetString());
        string detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("lasts 41 s", detail);
        Assert.Contains($"at most {MaxWavSeconds} s (MusicCluster:Limits:MaxWavSeconds)", detail);
        Assert.Equal("MusicCluster:Limits:MaxWavSeconds", problem.GetProperty("setting").GetString());
        Assert.Equal(["forty-seconds.mid"], StoredFiles("forty-seconds"));
        // The piece itself is fine: its MIDI file is served, and its page says why there is no player.
        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.GetAsync("/api/pieces/forty-seconds/midi")).StatusCode);
        string page = await fixture.Http.GetStringAsync("/pieces/forty-seconds");
        Assert.Contains("data-testid=\"piece-audio-too-long\"", page);
        Assert.Contains("MusicCluster:Limits:MaxWavSeconds", page);
        Assert.DoesNotContain("/api/pieces/forty-seconds/wav", page);
        await CreateAsync("ten-seconds", bars: 5);
        Assert.Contains("data-testid=\"piece-audio\"", await fixture.Http.GetStringAsync("/pieces/ten-seconds"));
    }

    [Fact]
    public async Task A_render_past_its_time_limit_is_stopped_with_a_503_naming_the_limit_and_nothing_is_kept()
    {
        // 1,000 bars (the most a stored piece may have): its notation takes seconds to render, far past 10 ms.
        await CreateAsync("thousand-bars", bars: 1000);
        // 14 bars of sixteenth notes: 28 s of audio plus 1 s of fade-out, within the 30 s audio limit, but far more than
        // 10 ms of rendering (starting fluidsynth alone takes longer).
        await CreateAsync("busy-audio", bars: 14, notesPerBeat: 4);
        foreach (var (id, format) in new[] { ("thousand-bars", "musicxml"), ("thousand-bars", "jianpu"), ("busy-audio", "wav") })
        {
            // Twice: a stopped render leaves nothing behind that a second request could take for a finished one.
            for (int attempt = 0; attempt < 2; attempt++)
            {
                JsonElement problem = await ProblemOf(await fixture.Http.GetAsync($"/api/pieces/{id}/{format}"), HttpStatusCode.ServiceUnavailable);
                Assert.Equal("Render took too long", problem.GetProperty("title").GetString());
                string detail = problem.GetProperty("detail").GetString()!;
                Assert.Contains($"as {format} took longer than {RenderSeconds} s (MusicCluster:Limits:RenderSeconds)", detail);
                Assert.Contains("nothing of it was kept", detail);
                Assert.Equal("MusicCluster:Limits:RenderSeconds", problem.GetProperty("setting").GetString());
                Assert.Equal(format, problem.GetProperty("format").GetString());
            }
            Assert.Equal([id + ".mid"], StoredFiles(id));
        }
    }

    [Fact]
    public async Task An_analysis_past_its_time_limit_is_stopped_with_a_503_naming_the_limit_and_nothing_is_kept()
    {
        // 1,000 bars of sixteenth notes in four voices: 64,000 notes, far more than 1 ms of parsing and analysis.
        await CreateAsync("thousand-busy-bars", bars: 1000, notesPerBeat: 4);
        foreach (string analysis in new[] { "notes", "metrics" })
        {
            // Twice: a stopped analysis is not kept, so the second request does the work again and is stopped again.
            for (int attempt = 0; attempt < 2; attempt++)
            {
                JsonElement problem = await ProblemOf(await fixture.Http.GetAsync($"/api/pieces/thousand-busy-bars/{analysis}"), HttpStatusCode.ServiceUnavailable);
                Assert.Equal("Analysis took too long", problem.GetProperty("title").GetString());
                string detail = problem.GetProperty("detail").GetString()!;
                Assert.Contains($"the {analysis} of piece 'thousand-busy-bars' took longer than {AnalysisSeconds} s (MusicCluster:Limits:AnalysisSeconds)", detail);
                Assert.Contains("nothing of it was kept", detail);
                Assert.Equal("MusicCluster:Limits:AnalysisSeconds", problem.GetProperty("setting").GetString());
                Assert.Equal(analysis, problem.GetProperty("analysis").GetString());
            }
        }
        // The piece itself is fine.
        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.GetAsync("/api/pieces/thousand-busy-bars")).StatusCode);
    }
}
