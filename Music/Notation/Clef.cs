using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Notation;

/// <summary>
/// The clefs the writers use. <see cref="TrebleOctaveDown"/> is the treble clef with a small 8 below, which sounds an
/// octave lower than written: the tenor's clef in modern vocal scores.
/// </summary>
public enum Clef { Treble, TrebleOctaveDown, Bass }

/// <summary>
/// Where a clef puts pitches on its five-line staff. Positions are diatonic steps (octave * 7 + letter, C4 = 28), the
/// unit of staff positions: each step is a line or a space.
/// </summary>
public static class ClefStaff
{
    private const string Letters = "CDEFGAB";
    private static readonly KeySignature CMajor = new(0, 0, false);

    /// <summary>The diatonic step a pitch is written on (chromatic notes as sharps: C#4 sits on C4's step).</summary>
    public static int DiatonicStep(int pitch)
    {
        SpelledPitch spelled = PitchSpeller.Spell(pitch, CMajor);
        return spelled.Octave * 7 + Letters.IndexOf(spelled.Step);
    }

    /// <summary>The step of the middle line, in sounding pitch: B4 for treble, B3 for treble an octave down, D3 for bass.</summary>
    public static int MiddleLine(this Clef clef) => clef switch
    {
        Clef.Treble => 4 * 7 + 6,
        Clef.TrebleOctaveDown => 3 * 7 + 6,
        Clef.Bass => 3 * 7 + 1,
        _ => throw new ArgumentOutOfRangeException(nameof(clef), clef, null),
    };

    /// <summary>Ledger lines a pitch needs on this clef's staff (0 on the staff or in the spaces just outside it).</summary>
    public static int LedgerLines(this Clef clef, int pitch)
    {
        int step = DiatonicStep(pitch), top = clef.MiddleLine() + 4, bottom = clef.MiddleLine() - 4;
        if (step > top) return (step - top) / 2;
        if (step < bottom) return (bottom - step) / 2;
        return 0;
    }

    /// <summary>The letter and octave of a diatonic step, as MusicXML's display-step and display-octave write a position.</summary>
    public static (char Step, int Octave) StepAndOctave(int diatonicStep) => (Letters[diatonicStep % 7], diatonicStep / 7);
}
