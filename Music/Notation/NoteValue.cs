namespace MusicCluster.Music.Notation;

/// <summary>A written note value: a MusicXML type name ("quarter"...), its number of augmentation dots and its length in units.</summary>
public sealed record NoteValue(string TypeName, int Dots, long Units)
{
    private static readonly (string Name, long Units)[] Plain =
    [
        ("whole", 4 * NotationScore.UnitsPerQuarter), ("half", 2 * NotationScore.UnitsPerQuarter), ("quarter", NotationScore.UnitsPerQuarter),
        ("eighth", NotationScore.UnitsPerQuarter / 2), ("16th", NotationScore.UnitsPerQuarter / 4),
        ("32nd", NotationScore.UnitsPerQuarter / 8), ("64th", NotationScore.UnitsPerQuarter / 16),
    ];

    /// <summary>Every writable value, longest first: plain, dotted and double-dotted, down to the 64th (a dot must
    /// add a whole number of units, so there is no dotted 64th).</summary>
    public static IReadOnlyList<NoteValue> All { get; } = Plain
        .SelectMany(p => new[] { new NoteValue(p.Name, 0, p.Units), new NoteValue(p.Name, 1, p.Units * 3 / 2), new NoteValue(p.Name, 2, p.Units * 7 / 4) })
        .Where(v => v.Dots == 0 || Plain.First(p => p.Name == v.TypeName).Units % (1 << v.Dots) == 0)
        .OrderByDescending(v => v.Units).ThenBy(v => v.Dots).ToList();

    /// <summary>
    /// Splits a length into writable values, longest first (a 5/16 note becomes a quarter tied to a 16th). The 64th
    /// exists, so every whole number of units decomposes.
    /// </summary>
    public static IReadOnlyList<NoteValue> Decompose(long units)
    {
        if (units <= 0) throw new ArgumentOutOfRangeException(nameof(units), units, "A note length must be positive");
        var values = new List<NoteValue>();
        while (units > 0)
        {
            NoteValue value = All.First(v => v.Units <= units);
            values.Add(value);
            units -= value.Units;
        }
        return values;
    }
}
