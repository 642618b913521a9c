using MusicCluster.Music.Data;
using MusicCluster.Music.Models;
using MusicCluster.Music.Tests.Models;
using MusicCluster.Music.Tokens;
using MusicCluster.Music.Training;

namespace MusicCluster.Music.Tests.Tokens;

[Collection(TinyModels.Collection)]
public sealed class ChoraleRulesTests
{
    private static readonly JsbGridTokenizer Grid = new();

    [Theory]
    [InlineData(67, 69, 60, 62, true)]   // fifth to fifth, both up a step
    [InlineData(72, 74, 60, 62, true)]   // octave to octave
    [InlineData(79, 81, 60, 62, true)]   // compound fifth (a 12th) to compound fifth
    [InlineData(67, 65, 60, 58, true)]   // both down
    [InlineData(67, 69, 60, 57, false)]  // contrary motion
    [InlineData(67, 67, 60, 62, false)]  // upper voice holds: oblique motion
    [InlineData(67, 72, 60, 67, false)]  // fifth to fourth
    [InlineData(64, 69, 60, 62, false)]  // third to fifth: a hidden fifth, not a parallel one
    [InlineData(67, 69, -1, 62, false)]  // a silent voice
    public void Parallel_fifths_and_octaves_are_recognised(int upperBefore, int upperAfter, int lowerBefore, int lowerAfter, bool parallel) =>
        Assert.Equal(parallel, ChoraleRules.IsParallel(upperBefore, upperAfter, lowerBefore, lowerAfter));

    [Fact]
    public void Voice_leading_forbids_the_pitches_that_would_make_parallels_or_cross_the_voice_above()
    {
        // Step 0: S 67, A 60 (a fifth). Step 1: S 69; the alto may not go to 62 (parallel fifth) nor above 69.
        int[] cells = [P(67), P(60), P(55), P(48), P(69)];
        var allowed = new bool[Grid.Vocabulary.Count];
        ChoraleRules.Default.FillAllowed(cells, allowed);
        Assert.False(allowed[P(62)]);
        Assert.False(allowed[P(70)]);
        Assert.True(allowed[P(60)] && allowed[P(64)] && allowed[P(69)]);
        var free = new bool[Grid.Vocabulary.Count];
        new ChoraleRules { VoiceLeading = false }.FillAllowed(cells, free);
        Assert.True(free[P(62)] && free[P(70)]);
    }

    [Fact]
    public void When_the_rules_leave_no_pitch_crossing_is_allowed_before_anything_leaves_the_range()
    {
        // The alto at the bottom of its range (52) leaves the tenor 46-52; a soprano/alto pair that forbids nothing.
        int[] cells = [P(72), P(52)];
        var allowed = new bool[Grid.Vocabulary.Count];
        ChoraleRules.Default.FillAllowed(cells, allowed);
        Assert.Equal(Enumerable.Range(46, 7).Select(P), Enumerable.Range(0, allowed.Length).Where(i => allowed[i]));
        // A primer's soprano below the alto's whole range: every alto pitch would cross it, so crossing is allowed.
        int[] low = [P(45)];
        var any = new bool[Grid.Vocabulary.Count];
        ChoraleRules.Default.FillAllowed(low, any);
        Assert.Equal(Enumerable.Range(52, 23).Select(P), Enumerable.Range(0, any.Length).Where(i => any[i]));
    }

    [Fact]
    public void Sampled_chorales_keep_every_voice_in_range_one_note_at_a_time_without_parallels_on_many_seeds()
    {
        using var model = TinyModels.Generator(TinyModels.Config(vocab: Grid.Vocabulary.Count, context: 64), seed: 9);
        var pieces = PieceGeneration.GenerateBatch(model, Grid.Vocabulary, bars: 2, count: 24, new SamplingOptions { Seed = 17, Temperature = 1.5 });
        foreach (var generated in pieces)
        {
            Assert.True(generated.Complete);
            var grid = Grid.DecodeGrid(generated.Tokens.AsSpan(1));
            Assert.Equal(32, grid.Steps);
            for (int step = 0; step < grid.Steps; step++)
                for (int voice = 0; voice < 4; voice++)
                {
                    int pitch = grid[step, voice];
                    Assert.True(ChoraleVoices.Ranges[voice].Contains(pitch), $"step {step}, {ChoraleGrid.VoiceNames[voice]}: {pitch}");
                    for (int upper = 0; upper < voice && step > 0; upper++)
                        Assert.False(ChoraleRules.IsParallel(grid[step - 1, upper], grid[step, upper], grid[step - 1, voice], pitch),
                            $"parallel between {ChoraleGrid.VoiceNames[upper]} and {ChoraleGrid.VoiceNames[voice]} at step {step}");
                }
            // Decoded: four monophonic tracks named by voice.
            var piece = generated.Piece;
            Assert.Equal(ChoraleGrid.VoiceNames, piece.Tracks.Select(t => t.Name));
            foreach (var track in piece.Notes.GroupBy(n => n.Track))
            {
                var notes = track.OrderBy(n => n.Start).ToList();
                for (int i = 1; i < notes.Count; i++) Assert.True(notes[i].Start >= notes[i - 1].End, $"track {track.Key} overlaps at {notes[i].Start}");
            }
        }
    }

    private static int P(int pitch) => JsbGridTokenizer.FirstPitchId + pitch;
}
