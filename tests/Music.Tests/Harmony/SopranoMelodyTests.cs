using MusicCluster.Music.Harmony;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Tests.Harmony;

public sealed class SopranoMelodyTests
{
    private static Piece Of(params Note[] notes) => PieceBuilder.Normalize(new Piece { Notes = notes });

    [Fact]
    public void A_melody_becomes_one_soprano_cell_per_16th_with_rests_silent()
    {
        var melody = SopranoMelody.FromPiece(Of(new Note(72, 0, 480, 90, 2), new Note(74, 480, 240, 90, 2), new Note(76, 960, 120, 90, 2)));
        Assert.Equal([72, 72, 72, 72, 74, 74, -1, -1, 76], melody.Cells);
        Assert.Equal(1, melody.Bars);
        Assert.Equal(3, melody.Notes.Count);
    }

    [Fact]
    public void Notes_off_the_grid_are_read_at_the_nearest_16th_and_kept_as_played()
    {
        var played = Of(new Note(72, 10, 470, 90, 0), new Note(71, 490, 500, 90, 0));
        var melody = SopranoMelody.FromPiece(played);
        Assert.Equal([72, 72, 72, 72, 71, 71, 71, 71], melody.Cells);
        Assert.Equal(played.Notes, melody.Notes);
    }

    [Theory]
    [InlineData(new[] { 72, 0, 480, 74, 240, 480 }, "Two notes sound at once: C5 at bar 1, beat 1 is still sounding when D5 at bar 1, beat 1 + 2/16 starts")]
    [InlineData(new[] { 72, 0, 480, 84, 480, 480 }, "C6 at bar 1, beat 2 is outside the soprano's range C4-A5 (MIDI 60-81)")]
    [InlineData(new[] { 59, 0, 480 }, "B3 at bar 1, beat 1 is outside the soprano's range")]
    [InlineData(new[] { 72, 0, 40, 74, 40, 40 }, "fall on one 16th note")]
    public void A_melody_that_cannot_be_sung_as_a_soprano_is_refused_naming_the_note(int[] values, string expected)
    {
        var notes = values.Chunk(3).Select(v => new Note(v[0], v[1], v[2], 90, 0)).ToArray();
        var error = Assert.Throws<MelodyException>(() => SopranoMelody.FromPiece(Of(notes)));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Empty_and_overlong_melodies_are_refused()
    {
        Assert.Contains("no notes", Assert.Throws<MelodyException>(() => SopranoMelody.FromPiece(new Piece())).Message);
        var longNote = new Note(72, 0, (SopranoMelody.MaxBars + 1) * 1920L, 90, 0);
        Assert.Contains($"longer than {SopranoMelody.MaxBars} bars", Assert.Throws<MelodyException>(() => SopranoMelody.FromPiece(Of(longNote))).Message);
    }

    [Fact]
    public void The_top_voice_of_a_chorale_is_its_soprano_track_and_of_other_music_its_highest_line()
    {
        var chorale = new ChoraleGrid([[72, 67, 64, 48], [72, 67, 64, 48], [74, 65, 62, 47], [76, 67, 60, 48]]).ToPiece();
        Assert.Equal([72, 72, 74, 76], SopranoMelody.TopVoiceOf(chorale).Cells);
        var chords = Of(new Note(64, 0, 480, 90, 0), new Note(72, 0, 480, 90, 0), new Note(60, 480, 480, 90, 0), new Note(71, 480, 480, 90, 0));
        Assert.Equal([72, 72, 72, 72, 71, 71, 71, 71], SopranoMelody.TopVoiceOf(chords).Cells);
    }
}
