using System.Text.Json;
using MusicCluster.Music.Notation;
using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Tests.Notation;

public class PianoRollTests
{
    [Fact]
    public void NotesBarsAndRangeFollowTheTempoMap()
    {
        // Two tracks at 90 BPM for two 4/4 bars, then 120 BPM in 3/4.
        PianoRoll roll = PianoRoll.From(TestPieces.TwoTracksWithVoices());
        Assert.Equal(36, roll.LowestPitch);
        Assert.Equal(77, roll.HighestPitch);
        Assert.Equal(TestPieces.TwoTracksWithVoices().Notes.Count, roll.Notes.Count);
        // 8 quarters at 90 BPM (666,667 µs each, as MIDI stores it), then 3.25 quarters at 120 BPM.
        const double slow = 0.666667;
        Assert.Equal(8 * slow + 3.25 / 2, roll.DurationSeconds, 9);
        Assert.Equal(11.25, roll.DurationBeats, 9);
        Assert.Equal([0.0, 4.0, 8.0, 11.0], roll.Bars.Select(b => b.StartBeat));
        Assert.Equal(["4/4", "4/4", "3/4", "3/4"], roll.Bars.Select(b => b.TimeSignature));
        Assert.Equal(8 * slow + 3 / 2.0, roll.Bars[3].StartSeconds, 9);
        PianoRollNote high = roll.Notes.Single(n => n.Pitch == 77);
        Assert.Equal(3 * slow, high.StartSeconds, 9);
        Assert.Equal(5 * slow, high.EndSeconds, 9);
        Assert.Equal((3.0, 5.0), (high.StartBeat, high.EndBeat));
        Assert.Equal(["Right", "Left"], roll.Tracks.Select(t => t.Name));
    }

    [Fact]
    public void SerializesToJsonForTheWebPage()
    {
        PianoRoll roll = PianoRoll.From(TestPieces.CMajorScale());
        string json = JsonSerializer.Serialize(roll, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement notes = document.RootElement.GetProperty("notes");
        Assert.Equal(8, notes.GetArrayLength());
        Assert.Equal(60, notes[0].GetProperty("pitch").GetInt32());
        Assert.Equal(0.5, notes[1].GetProperty("startSeconds").GetDouble(), 9);
        Assert.Equal(2, document.RootElement.GetProperty("bars").GetArrayLength());
        Assert.Equal(4.0, document.RootElement.GetProperty("durationSeconds").GetDouble(), 9);
    }

    [Fact]
    public void AnEmptyPieceHasOneBarAndADefaultRange()
    {
        PianoRoll roll = PianoRoll.From(new Piece());
        Assert.Empty(roll.Notes);
        Assert.Single(roll.Bars);
        Assert.True(roll.LowestPitch < roll.HighestPitch);
    }
}
