using MusicCluster.Music.Scoring;

namespace MusicCluster.Music.Tests.Scoring;

public class ChordTypesTests
{
    [Theory]
    [InlineData(new[] { 48, 52, 55 }, "major triad")]               // C E G, root position
    [InlineData(new[] { 52, 55, 60, 64 }, "major triad")]           // E G C E, first inversion, E doubled
    [InlineData(new[] { 43, 60, 64, 72 }, "major triad")]           // G C E C, second inversion, wide spacing
    [InlineData(new[] { 57, 60, 64 }, "minor triad")]               // A C E
    [InlineData(new[] { 59, 62, 65 }, "diminished triad")]          // B D F: G7 without its root is itself a triad
    [InlineData(new[] { 60, 64, 68 }, "augmented triad")]           // C E G#
    [InlineData(new[] { 53, 59, 62, 67 }, "dominant seventh")]      // F B D G: G7 in third inversion
    [InlineData(new[] { 60, 64, 67, 71 }, "major seventh")]
    [InlineData(new[] { 62, 65, 69, 72 }, "minor seventh")]
    [InlineData(new[] { 59, 62, 65, 69 }, "half-diminished seventh")]
    [InlineData(new[] { 59, 62, 65, 68 }, "diminished seventh")]
    public void Triads_and_sevenths_are_named_in_any_inversion_and_spacing(int[] pitches, string expected) =>
        Assert.Equal(expected, ChordTypes.Name(pitches));

    [Theory]
    [InlineData(new[] { 60, 62, 64 })]        // cluster C D E
    [InlineData(new[] { 60, 64, 67, 62 })]    // C major plus a passing D: a triad with a non-chord tone
    [InlineData(new[] { 60, 67 })]            // an open fifth
    [InlineData(new[] { 60, 64, 67, 70, 74 })] // C9: five pitch classes
    public void Other_pitch_class_sets_are_no_chord(int[] pitches)
    {
        Assert.Null(ChordTypes.Name(pitches));
        Assert.False(ChordTypes.IsChord(ChordTypes.PitchClassSet(pitches)));
    }

    [Theory]
    [InlineData(new[] { 48, 64, 70 })]        // C E Bb: C7 without its fifth
    [InlineData(new[] { 43, 59, 65 })]        // G B F: G7 without its fifth
    [InlineData(new[] { 50, 65, 72 })]        // D F C: Dm7 without its fifth
    public void A_seventh_chord_with_a_note_left_out_is_a_chord_though_it_has_no_name(int[] pitches)
    {
        Assert.Null(ChordTypes.Name(pitches));
        Assert.True(ChordTypes.IsChord(ChordTypes.PitchClassSet(pitches)));
    }

    [Fact]
    public void The_nine_chord_types_make_91_distinct_pitch_class_sets()
    {
        // 12 transpositions each, except the augmented triad (4 distinct) and the diminished seventh (3): no two types
        // share a set, or the table would hold fewer than 12 x 7 + 4 + 3.
        int named = Enumerable.Range(0, 1 << 12).Count(set => ChordTypes.Name(Enumerable.Range(0, 12).Where(c => (set & (1 << c)) != 0)) is not null);
        Assert.Equal(12 * 7 + 4 + 3, named);
    }
}
