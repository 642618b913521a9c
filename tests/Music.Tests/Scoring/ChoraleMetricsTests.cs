using MusicCluster.Music.Pieces;
using MusicCluster.Music.Scoring;
using static MusicCluster.Music.Tests.Notation.TestPieces;

namespace MusicCluster.Music.Tests.Scoring;

public class ChoraleMetricsTests
{
    /// <summary>One chord per quarter note, voice i of each chord on track i (S, A, T, B for four voices).</summary>
    private static Piece Chords(params int[][] quarters) =>
        Make(quarters.SelectMany((chord, beat) => chord.Select((pitch, voice) => Q(pitch, beat, 1, track: voice))));

    [Fact]
    public void A_textbook_parallel_fifth_counts_once_per_chord_change()
    {
        // C major (C5 E4 G3 C3) to D minor (A4 F4 A3 D3): tenor and bass rise a fifth apart, G3/C3 -> A3/D3.
        var figures = ChoraleMetrics.Of(Chords([72, 64, 55, 48], [69, 65, 57, 50]));
        Assert.Equal(1, figures.ChordChanges);
        Assert.Equal(1, figures.Parallels);
        Assert.Equal(100.0, figures.ParallelsPer100ChordChanges);
    }

    [Fact]
    public void Parallel_octaves_unisons_and_compound_fifths_count()
    {
        Assert.True(ChoraleMetrics.IsParallel(60, 48, 62, 50)); // octave to octave
        Assert.True(ChoraleMetrics.IsParallel(60, 60, 59, 59)); // unison to unison, both down
        Assert.True(ChoraleMetrics.IsParallel(67, 48, 69, 50)); // twelfth to twelfth (a fifth an octave wider)
        Assert.True(ChoraleMetrics.IsParallel(67, 60, 81, 62)); // fifth to twelfth, both up (parallel in pitch class)
        // Same four voices as the textbook example but with the bass an octave lower: still a parallel (compound) fifth.
        Assert.Equal(1, ChoraleMetrics.Of(Chords([72, 64, 55, 36], [69, 65, 57, 38])).Parallels);
    }

    [Fact]
    public void Hidden_contrary_and_one_voice_fifths_do_not_count()
    {
        // Hidden fifth and octave: C major (E4 C4 G3 C3) to G major (D5 D4 B3 G3); soprano and bass rise into a fifth
        // from a third, soprano and alto into an octave from a third: no pair was a fifth or octave before.
        Assert.Equal(0, ChoraleMetrics.Of(Chords([64, 60, 55, 48], [74, 62, 59, 55])).Parallels);
        Assert.False(ChoraleMetrics.IsParallel(64, 48, 74, 55));
        // Contrary fifths: a twelfth to a fifth, the upper voice falling and the lower rising.
        Assert.False(ChoraleMetrics.IsParallel(67, 48, 62, 55));
        // A bass leaping an octave under a held note keeps the fifth, but only one voice moves.
        Assert.False(ChoraleMetrics.IsParallel(67, 60, 67, 48));
        // A fifth moving to a fourth, and a fifth to an octave.
        Assert.False(ChoraleMetrics.IsParallel(67, 60, 69, 64));
        Assert.False(ChoraleMetrics.IsParallel(67, 60, 69, 57));
    }

    [Fact]
    public void Voices_are_read_high_to_low_whichever_track_sings_them()
    {
        // Track 0 rises C4 -> A4 across track 1, which falls G4 -> D4: by track contrary motion, but the sound is a
        // fifth G4/C4 moving up to the fifth A4/D4, and that is what is counted.
        var crossing = Make([Q(60, 0, 1, track: 0), Q(67, 0, 1, track: 1), Q(69, 1, 1, track: 0), Q(62, 1, 1, track: 1)]);
        int[][] expected = [[67, 60], [67, 60], [67, 60], [67, 60], [69, 62], [69, 62], [69, 62], [69, 62]];
        Assert.Equal(expected, SoundingSteps.Of(crossing));
        Assert.Equal(1, ChoraleMetrics.Of(crossing).Parallels);
    }

    [Fact]
    public void Chord_changes_need_two_voices_on_both_sides_and_a_different_sound()
    {
        // Repeated chord (no change), a chord (change), a lone note (no change into or out of it), a chord again.
        var piece = Chords([72, 64, 55, 48], [72, 64, 55, 48], [71, 62, 55, 43], [67], [72, 64, 55, 48]);
        var (changes, parallels) = ChoraleMetrics.ParallelMotion(SoundingSteps.Of(piece));
        Assert.Equal(1, changes);
        Assert.Equal(0, parallels);
    }

    [Fact]
    public void With_different_voice_counts_only_the_outer_voices_are_compared()
    {
        // Three voices to four (a tenor enters): the outer voices C5/C3 rise to D5/D3 in octaves (counted).
        int[][] steps = [[72, 67, 48], [74, 69, 62, 50]];
        Assert.Equal((1, 1), ChoraleMetrics.ParallelMotion(steps));
        // A bass enters under three voices: positions 1 and 2 (G4/C4 -> A4/D4) would read as fifths, but with a voice
        // entering the positions do not say which voice is which, so they are not compared.
        int[][] innerOnly = [[72, 67, 60], [71, 69, 62, 55]];
        Assert.Equal((1, 0), ChoraleMetrics.ParallelMotion(innerOnly));
    }

    [Fact]
    public void Chord_share_counts_triads_and_sevenths_in_any_inversion_among_steps_of_three_pitch_classes()
    {
        // C major in first inversion (E3 G3 C4 E4), G7 in third inversion (F3 B3 D4 G4), then a cluster (C D E F):
        // a quarter (4 steps) each; the final two-note step (C E) has too few pitch classes to judge.
        var piece = Make([.. new[] { 64, 60, 55, 52 }.Select((p, v) => Q(p, 0, 1, track: v)),
            .. new[] { 67, 62, 59, 53 }.Select((p, v) => Q(p, 1, 1, track: v)),
            .. new[] { 65, 64, 62, 60 }.Select((p, v) => Q(p, 2, 1, track: v)),
            Q(64, 3, 1, track: 0), Q(60, 3, 1, track: 1)]);
        var figures = ChoraleMetrics.Of(piece);
        Assert.Equal(12, figures.HarmonicSteps);
        Assert.Equal(8, figures.ChordSteps);
        Assert.Equal(8 / 12.0, figures.ChordShare!.Value, 12);
    }

    [Fact]
    public void Scale_consistency_weighs_notes_by_the_16ths_they_sound_and_is_averaged_over_pieces()
    {
        Piece inKey = Chords([72, 64, 55, 48], [71, 62, 55, 43]);
        // A C of 8 quarters, then C#, D, Eb, E, F# a quarter each: at best 11 of 13 quarters lie in one scale, but only
        // 4 of the 6 onsets.
        Piece chromatic = Make([Q(60, 0, 8), .. new[] { 61, 62, 63, 64, 66 }.Select((p, i) => Q(p, 8 + i, 1))]);
        var figures = ChoraleMetrics.OfSet([inKey, chromatic]);
        Assert.Equal((1.0 + 11 / 13.0) / 2, figures.ScaleConsistency!.Value, 12);
        Assert.Equal(11 / 13.0, ChoraleMetrics.Of(chromatic).ScaleConsistency!.Value, 12);
        Assert.Equal(4 / 6.0, ObjectiveMetrics.ScaleConsistency(chromatic), 12);
    }

    [Fact]
    public void Notes_in_range_are_judged_by_track_for_four_voice_pieces_only()
    {
        // Soprano B3 (59) is below the soprano's C4; the bass's D4 (62) is in range; the alto's G5 (79) is above D5.
        var figures = ChoraleMetrics.Of(Chords([59, 55, 52, 48], [72, 79, 55, 62]));
        Assert.Equal(8, figures.VoicedNotes);
        Assert.Equal(6, figures.NotesInRange);
        Assert.Equal(0.75, figures.NotesInRangeShare);
        // A fifth track: no four-voice piece, left out (and nothing else to count: null, not 0).
        var fiveTracks = Make([Q(60, 0, 1, track: 0), Q(40, 0, 1, track: 4)]);
        Assert.Null(ChoraleMetrics.NotesInRange(fiveTracks));
        Assert.Null(ChoraleMetrics.Of(fiveTracks).NotesInRangeShare);
        Assert.Equal(6, ChoraleMetrics.OfSet([Chords([59, 55, 52, 48], [72, 79, 55, 62]), fiveTracks]).NotesInRange);
    }

    [Fact]
    public void A_voice_sounding_two_notes_at_once_is_not_monophonic()
    {
        // Track 0 plays a melody whose notes touch (monophonic); track 1 holds C4 while D4 starts over it.
        var piece = Make([Q(72, 0, 1, track: 0), Q(74, 1, 1, track: 0), Q(60, 0, 2, track: 1), Q(62, 1, 1, track: 1)]);
        var figures = ChoraleMetrics.Of(piece);
        Assert.Equal(2, figures.Voices);
        Assert.Equal(1, figures.MonophonicVoices);
        Assert.Equal(0.5, figures.MonophonicVoiceShare);
    }

    [Fact]
    public void A_set_pools_its_counts_so_rates_weigh_pieces_by_their_chord_changes()
    {
        Piece oneParallel = Chords([72, 64, 55, 48], [69, 65, 57, 50]); // 1 change, 1 parallel
        Piece noParallels = Chords([72, 64, 55, 48], [71, 62, 55, 43], [72, 64, 55, 48], [71, 62, 55, 43]); // 3 changes, none
        var figures = ChoraleMetrics.OfSet([oneParallel, noParallels]);
        Assert.Equal(2, figures.Pieces);
        Assert.Equal((4, 1), (figures.ChordChanges, figures.Parallels));
        Assert.Equal(25.0, figures.ParallelsPer100ChordChanges); // pooled; the mean of the pieces' rates would be 50

        var none = ChoraleMetrics.OfSet([]);
        Assert.Equal(0, none.Pieces);
        Assert.Null(none.ParallelsPer100ChordChanges);
        Assert.Null(none.ChordShare);
        Assert.Null(none.ScaleConsistency);
        Assert.Null(none.NotesInRangeShare);
        Assert.Null(none.MonophonicVoiceShare);
    }
}
