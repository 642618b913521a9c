using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MusicCluster.Music.Midi;
using MusicCluster.Music.Pieces;

namespace MusicCluster.Client.Tests;

/// <summary>
/// POST /api/generations with a primer for a grid (four-part chorale) model: the upload is read into four voices, and
/// one that cannot be is a 400 saying why. The model is a tiny untrained one registered by the test: what is tested is
/// how the primer is read, which does not depend on the weights.
/// </summary>
public sealed class GridPrimerApiTests(GenerationFixture fixture) : IClassFixture<GenerationFixture>
{
    private const int Quarter = Piece.DefaultTicksPerQuarter;

    /// <summary>A one-track piano piece in 4/4: chords of the given pitches, each a quarter long, starting at the given beats.</summary>
    private static string PianoMidi(params (int Beat, int[] Pitches)[] chords) => Convert.ToBase64String(MidiFileWriter.Write(PieceBuilder.Normalize(new Piece
    {
        Notes = chords.SelectMany(c => c.Pitches.Select(p => new Note(p, c.Beat * (long)Quarter, Quarter, 80, 0))).ToList(),
        TimeSignatures = [new TimeSignature(0, 4, 4)],
        Tracks = [new TrackInfo(0, "Piano")],
    })));

    [Fact]
    public async Task A_primer_with_six_notes_at_once_is_a_400_naming_its_bar_and_beat()
    {
        string model = await UntrainedGridModel.RegisterAsync(fixture.Factory, "grid-primer-refused");
        // Bar 2, beat 3 (the 7th quarter counted from 1).
        string midi = PianoMidi((0, [72, 67, 64, 48]), (6, [84, 79, 76, 72, 67, 60]));

        var response = await fixture.Http.PostAsJsonAsync("/api/generations", new { bars = 1, modelId = model, primerMidi = midi });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        string message = problem.GetProperty("errors").GetProperty("primerMidi")[0].GetString()!;
        Assert.Contains("bar 2, beat 3: 6 notes sound at once (C6 G5 E5 C5 G4 C4); a four-part chorale has at most four", message);
    }

    [Fact]
    public async Task A_piano_primer_of_four_note_chords_is_continued_in_four_voices()
    {
        string model = await UntrainedGridModel.RegisterAsync(fixture.Factory, "grid-primer-accepted");
        string midi = PianoMidi((0, [72, 67, 64, 48]), (1, [74, 65, 62, 50]));

        var response = await fixture.Http.PostAsJsonAsync("/api/generations", new { bars = 1, seed = 1, modelId = model, primerMidi = midi });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Guid id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        JsonElement done = await Poll.UntilAsync(async () => await fixture.Http.GetFromJsonAsync<JsonElement>($"/api/generations/{id}"),
            s => s.GetProperty("status").GetString() != "Running", TimeSpan.FromSeconds(90), "the session ends");
        Assert.True(done.GetProperty("status").GetString() == "Completed", done.ToString());
        var piece = MidiFileReader.Read(await fixture.Http.GetByteArrayAsync($"/api/pieces/{done.GetProperty("pieceId").GetString()}/midi"));
        // The primer opens the piece, one chord note per voice track, soprano to bass.
        var firstChord = piece.Notes.Where(n => n.Start == 0).OrderBy(n => n.Track).ToList();
        Assert.Equal([72, 67, 64, 48], firstChord.Select(n => n.Pitch));
        Assert.Equal(4, firstChord.Select(n => n.Track).Distinct().Count());
        int soprano = firstChord[0].Track;
        Assert.Equal([72, 74], piece.Notes.Where(n => n.Track == soprano && n.Start < 2 * Quarter).Select(n => n.Pitch));
    }
}
