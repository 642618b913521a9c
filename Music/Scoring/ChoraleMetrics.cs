using MusicCluster.Music.Pieces;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Scoring;

/// <summary>
/// What a musician checks in a four-part chorale: parallel fifths and octaves, whether the sounds are chords,
/// whether the piece stays in a key, whether each voice stays in its range and sings one note at a time.
/// Harmony is read on the 16th-note grid of <see cref="SoundingSteps"/> (voices ordered high to low at each step);
/// docs/scoring.md states every rule. Drum notes are left out.
/// </summary>
public static class ChoraleMetrics
{
    /// <summary>The figures of one piece.</summary>
    public static ChoraleFigures Of(Piece piece) => OfSet([piece]);

    /// <summary>The figures of a set of pieces: counts added over the pieces, scale consistency averaged.</summary>
    public static ChoraleFigures OfSet(IEnumerable<Piece> pieces)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        int count = 0, chordChanges = 0, parallels = 0, harmonicSteps = 0, chordSteps = 0, voicedNotes = 0, inRange = 0, voices = 0, monophonic = 0;
        var scaleConsistencies = new List<double>();
        foreach (Piece piece in pieces)
        {
            count++;
            int[][] steps = SoundingSteps.Of(piece);
            var motion = ParallelMotion(steps);
            chordChanges += motion.ChordChanges;
            parallels += motion.Parallels;
            var chords = Chords(steps);
            harmonicSteps += chords.HarmonicSteps;
            chordSteps += chords.ChordSteps;
            if (NotesInRange(piece) is var (notes, inside))
            {
                voicedNotes += notes;
                inRange += inside;
            }
            var tracks = MonophonicVoices(piece);
            voices += tracks.Voices;
            monophonic += tracks.Monophonic;
            // Weighted by duration: each voice counts once per 16th it sounds (a grid piece cannot tell a held note
            // from a re-struck one, so counting onsets would weigh its notes by how the grid happened to merge them).
            double scale = ObjectiveMetrics.ScaleConsistency(steps.SelectMany(step => step).ToList());
            if (!double.IsNaN(scale)) scaleConsistencies.Add(scale);
        }
        return new ChoraleFigures
        {
            Pieces = count,
            ChordChanges = chordChanges,
            Parallels = parallels,
            HarmonicSteps = harmonicSteps,
            ChordSteps = chordSteps,
            ScaleConsistency = scaleConsistencies.Count == 0 ? null : scaleConsistencies.Average(),
            VoicedNotes = voicedNotes,
            NotesInRange = inRange,
            Voices = voices,
            MonophonicVoices = monophonic,
        };
    }

    /// <summary>
    /// Chord changes and the parallel fifths, octaves and unisons at them. A chord change is a step whose sounding
    /// pitches differ from the previous step's, both steps with at least 2 voices. With as many voices in both
    /// steps every pair of voice positions is compared; with different counts (a voice enters or rests) only the
    /// outer pair, highest and lowest, whose identity the change cannot confuse.
    /// </summary>
    public static (int ChordChanges, int Parallels) ParallelMotion(int[][] steps)
    {
        int changes = 0, parallels = 0;
        for (int s = 1; s < steps.Length; s++)
        {
            int[] before = steps[s - 1], after = steps[s];
            if (before.Length < 2 || after.Length < 2 || before.AsSpan().SequenceEqual(after)) continue;
            changes++;
            if (before.Length == after.Length)
            {
                for (int upper = 0; upper < before.Length; upper++)
                    for (int lower = upper + 1; lower < before.Length; lower++)
                        if (IsParallel(before[upper], before[lower], after[upper], after[lower])) parallels++;
            }
            else if (IsParallel(before[0], before[^1], after[0], after[^1])) parallels++;
        }
        return (changes, parallels);
    }

    /// <summary>
    /// Two voices (upper and lower, before and after) move in parallel perfect consonances: both move, in the same
    /// direction, from a fifth to a fifth or from an octave (or unison) to an octave, compound intervals included.
    /// A hidden fifth (into a fifth from another interval) and contrary fifths (opposite directions) are not parallels.
    /// </summary>
    public static bool IsParallel(int upperBefore, int lowerBefore, int upperAfter, int lowerAfter) =>
        ChoraleRules.IsParallel(upperBefore, upperAfter, lowerBefore, lowerAfter);

    /// <summary>
    /// Steps with at least 3 distinct pitch classes, and those of them whose pitch classes form a triad or seventh
    /// chord, a seventh chord with its fifth or another note left out included (<see cref="ChordTypes.IsChord"/>): a
    /// step counts once per 16th it lasts.
    /// </summary>
    public static (int HarmonicSteps, int ChordSteps) Chords(int[][] steps)
    {
        int harmonic = 0, chords = 0;
        foreach (int[] step in steps)
        {
            int set = ChordTypes.PitchClassSet(step);
            if (System.Numerics.BitOperations.PopCount((uint)set) < 3) continue;
            harmonic++;
            if (ChordTypes.IsChord(set)) chords++;
        }
        return (harmonic, chords);
    }

    /// <summary>
    /// Notes and notes inside their voice's range (<see cref="ChoraleVoices"/>, track 0-3 = S, A, T, B), for a piece
    /// whose notes all lie on tracks 0-3; null for any other piece (it is no four-voice piece to judge so).
    /// </summary>
    public static (int Notes, int InRange)? NotesInRange(Piece piece)
    {
        var notes = piece.Notes.Where(n => !n.IsDrum && n.Duration > 0).ToList();
        if (notes.Count == 0 || notes.Any(n => n.Track is < 0 or >= ChoraleGrid.Voices)) return null;
        return (notes.Count, notes.Count(n => ChoraleVoices.RangeOf(n.Track).Contains(n.Pitch)));
    }

    /// <summary>Tracks with notes, and those among them in which no two notes overlap in time (a note may start as another ends).</summary>
    public static (int Voices, int Monophonic) MonophonicVoices(Piece piece)
    {
        int voices = 0, monophonic = 0;
        foreach (var track in piece.Notes.Where(n => !n.IsDrum && n.Duration > 0).GroupBy(n => n.Track))
        {
            voices++;
            long soundingUntil = long.MinValue;
            bool overlaps = false;
            foreach (Note note in track.OrderBy(n => n.Start))
            {
                if (note.Start < soundingUntil) { overlaps = true; break; }
                soundingUntil = Math.Max(soundingUntil, note.End);
            }
            if (!overlaps) monophonic++;
        }
        return (voices, monophonic);
    }

    private static int PitchClass(int semitones) => ((semitones % 12) + 12) % 12;
}
