using MusicCluster.Music.Pieces;
using MusicCluster.Music.Scoring;
using static MusicCluster.Music.Tests.Notation.TestPieces;

namespace MusicCluster.Music.Tests.Scoring;

public class SoundingStepsTests
{
    [Fact]
    public void Each_16th_holds_the_sounding_pitches_high_to_low_with_unisons_twice_and_no_drums()
    {
        // An eighth-note C4 then a dotted-eighth-late E4 over a half-note G3, a unison C4 on track 2, a drum hit.
        var piece = Make([Q(60, 0, 0.5, track: 0), Q(64, 0.75, 0.25, track: 0), Q(55, 0, 1, track: 1), Q(60, 0, 0.25, track: 2),
            Q(36, 0, 1, track: 3, channel: TrackInfo.DrumChannel)]);
        int[][] expected = [[60, 60, 55], [60, 55], [55], [64, 55]];
        Assert.Equal(expected, SoundingSteps.Of(piece));
    }

    [Fact]
    public void Off_grid_notes_are_rounded_to_the_nearest_step_and_a_very_short_note_keeps_one()
    {
        // 480 ticks a quarter: a step is 120 ticks. Start 50 rounds to step 0, end 190 to step 2; a 10-tick note at
        // tick 250 rounds to step 2 on both ends and still sounds there.
        var piece = new Piece { Notes = [new Note(60, 50, 140, 80, 0), new Note(67, 250, 10, 80, 1)] };
        int[][] expected = [[60], [60], [67]];
        Assert.Equal(expected, SoundingSteps.Of(piece));
        Assert.Empty(SoundingSteps.Of(new Piece()));
    }
}
