using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Notation;

/// <summary>A written pitch: letter (C..B), alteration in semitones (-1 flat, +1 sharp) and octave (4 = middle C's).</summary>
public sealed record SpelledPitch(char Step, int Alter, int Octave);

/// <summary>
/// Spells MIDI pitches in a key: the key's own notes as the signature writes them (F# in G major, Bb in F major),
/// the leading tone of a minor key raised (C# in D minor), other white keys as naturals, and the remaining notes as
/// sharps in sharp keys and flats in flat keys.
/// </summary>
public static class PitchSpeller
{
    private static readonly char[] Letters = ['C', 'D', 'E', 'F', 'G', 'A', 'B'];
    private static readonly int[] NaturalPitchClass = [0, 2, 4, 5, 7, 9, 11];
    private static readonly char[] SharpOrder = ['F', 'C', 'G', 'D', 'A', 'E', 'B'];

    public static SpelledPitch Spell(int pitch, KeySignature key)
    {
        int pitchClass = ((pitch % 12) + 12) % 12;
        (char step, int alter) = SpellPitchClass(pitchClass, key);
        int natural = NaturalPitchClass[Array.IndexOf(Letters, step)];
        // B#3 sounds as C4 and Cb5 as B4: the octave follows the letter, not the sounding pitch.
        int octave = (pitch - alter - natural) / 12 - 1;
        return new SpelledPitch(step, alter, octave);
    }

    /// <summary>The alteration the key signature gives a letter (+1, -1 or 0).</summary>
    public static int SignatureAlter(char step, int sharps)
    {
        int index = Array.IndexOf(SharpOrder, step);
        if (sharps > 0) return index < sharps ? 1 : 0;
        if (sharps < 0) return 6 - index < -sharps ? -1 : 0;
        return 0;
    }

    private static (char Step, int Alter) SpellPitchClass(int pitchClass, KeySignature key)
    {
        int sharps = Math.Clamp(key.Sharps, -7, 7);
        var diatonic = Letters.Select(letter =>
        {
            int alter = SignatureAlter(letter, sharps);
            return (Step: letter, Alter: alter, PitchClass: ((NaturalPitchClass[Array.IndexOf(Letters, letter)] + alter) % 12 + 12) % 12);
        }).ToList();

        var own = diatonic.FirstOrDefault(d => d.PitchClass == pitchClass);
        if (own.Step != default) return (own.Step, own.Alter);
        bool leadingTone = key.Minor && pitchClass == (key.TonicPitchClass + 11) % 12;
        // A white key outside the key is its natural letter (F natural in G major, not E sharp).
        int natural = Array.IndexOf(NaturalPitchClass, pitchClass);
        if (natural >= 0 && !leadingTone) return (Letters[natural], 0);

        bool raise = sharps >= 0 || leadingTone;
        int neighbour = raise ? (pitchClass + 11) % 12 : (pitchClass + 1) % 12;
        var basis = diatonic.First(d => d.PitchClass == neighbour);
        return (basis.Step, basis.Alter + (raise ? 1 : -1));
    }
}
