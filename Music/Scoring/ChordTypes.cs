namespace MusicCluster.Music.Scoring;

/// <summary>
/// The chords a chorale is built from, as pitch-class sets: the four triads and five seventh chords, in any inversion
/// and spelling. <see cref="Name"/> names a set that is exactly one of them; <see cref="IsChord"/> also takes a
/// seventh chord with one note left out (C E B-flat: a dominant seventh without its fifth, as four-part writing
/// often has it). A triad with an added non-chord tone is no chord.
/// </summary>
public static class ChordTypes
{
    /// <summary>Each chord's intervals in semitones above its root.</summary>
    public static readonly IReadOnlyList<(string Name, int[] Intervals)> All =
    [
        ("major triad", [0, 4, 7]),
        ("minor triad", [0, 3, 7]),
        ("diminished triad", [0, 3, 6]),
        ("augmented triad", [0, 4, 8]),
        ("major seventh", [0, 4, 7, 11]),
        ("dominant seventh", [0, 4, 7, 10]),
        ("minor seventh", [0, 3, 7, 10]),
        ("half-diminished seventh", [0, 3, 6, 10]),
        ("diminished seventh", [0, 3, 6, 9]),
    ];

    // Pitch-class set (bit c set for pitch class c) -> chord name, for all 12 transpositions of each chord.
    private static readonly Dictionary<int, string> ByPitchClassSet = BuildTable();

    /// <summary>The chord whose pitch classes are exactly those of <paramref name="pitches"/> (MIDI pitches or
    /// pitch classes; octaves and doublings do not matter), or null when they form none of <see cref="All"/>.</summary>
    public static string? Name(IEnumerable<int> pitches) => ByPitchClassSet.GetValueOrDefault(PitchClassSet(pitches));

    /// <summary>The pitch classes as a 12-bit set: bit c for pitch class c (0 = C).</summary>
    public static int PitchClassSet(IEnumerable<int> pitches)
    {
        int set = 0;
        foreach (int pitch in pitches) set |= 1 << (((pitch % 12) + 12) % 12);
        return set;
    }

    /// <summary>Whether at least 3 pitch classes are all notes of one triad or seventh chord (a complete one, or a seventh chord missing one note).</summary>
    public static bool IsChord(int pitchClassSet) =>
        System.Numerics.BitOperations.PopCount((uint)pitchClassSet) >= 3 && ByPitchClassSet.Keys.Any(chord => (pitchClassSet & ~chord) == 0);

    private static Dictionary<int, string> BuildTable()
    {
        var table = new Dictionary<int, string>();
        foreach (var (name, intervals) in All)
            for (int root = 0; root < 12; root++)
                // Symmetric chords (augmented, diminished seventh) meet their own set again: same name, no conflict.
                table.TryAdd(PitchClassSet(intervals.Select(i => root + i)), name);
        return table;
    }
}
