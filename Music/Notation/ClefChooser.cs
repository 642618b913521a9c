namespace MusicCluster.Music.Notation;

/// <summary>
/// Chooses the clef of a one-staff part. A part named after a choir voice gets the clef a vocal score gives it
/// (soprano and alto treble, tenor treble an octave down, bass the F clef), whatever its notes, because singers read
/// their part in that clef. Any other part gets the clef on which its notes need the fewest ledger lines, so an
/// imported tenor-range track gets the tenor's clef too and a cello line the bass clef.
/// </summary>
public static class ClefChooser
{
    private static readonly Dictionary<string, Clef> VoiceClefs = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Soprano"] = Clef.Treble,
        ["Alto"] = Clef.Treble,
        ["Tenor"] = Clef.TrebleOctaveDown,
        ["Bass"] = Clef.Bass,
    };

    /// <summary>
    /// Clefs in the order they win ties: the plain treble and bass clefs are what most readers expect, so the octave
    /// treble clef is chosen only where it is strictly better than both.
    /// </summary>
    private static readonly Clef[] Preference = [Clef.Treble, Clef.Bass, Clef.TrebleOctaveDown];

    public static Clef Choose(string partName, IReadOnlyCollection<int> pitches) => ForVoiceName(partName) ?? ForRange(pitches);

    /// <summary>The clef of a choir voice's part (Soprano, Alto, Tenor, Bass), or null for any other name.</summary>
    public static Clef? ForVoiceName(string partName) =>
        VoiceClefs.TryGetValue(partName.Trim(), out Clef clef) ? clef : null;

    /// <summary>The clef with the fewest ledger lines over all the notes; treble for no notes.</summary>
    public static Clef ForRange(IReadOnlyCollection<int> pitches)
    {
        Clef best = Preference[0];
        long fewest = long.MaxValue;
        foreach (Clef clef in Preference)
        {
            long ledgerLines = pitches.Sum(p => (long)clef.LedgerLines(p));
            if (ledgerLines < fewest) (best, fewest) = (clef, ledgerLines);
        }
        return best;
    }
}
