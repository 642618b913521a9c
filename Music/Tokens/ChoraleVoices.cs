namespace MusicCluster.Music.Tokens;

/// <summary>A voice's range: its lowest and highest MIDI pitch, both inside the range.</summary>
public readonly record struct VoiceRange(int Lowest, int Highest)
{
    public bool Contains(int pitch) => pitch >= Lowest && pitch <= Highest;
}

/// <summary>
/// The ranges of the four chorale voices, in the order of <see cref="ChoraleGrid.VoiceNames"/> (voice = track 0-3).
/// One place for them because the scoring (share of notes in range) and the sampler's range constraint must agree.
/// </summary>
public static class ChoraleVoices
{
    /// <summary>Soprano, alto, tenor, bass: the ranges the voices have in the JSB chorales.</summary>
    public static readonly IReadOnlyList<VoiceRange> Ranges = [new(60, 81), new(52, 74), new(46, 69), new(36, 66)];

    /// <summary>The range of voice 0-3 (S, A, T, B).</summary>
    public static VoiceRange RangeOf(int voice) => voice is >= 0 and < ChoraleGrid.Voices
        ? Ranges[voice]
        : throw new ArgumentOutOfRangeException(nameof(voice), voice, $"a chorale has voices 0-{ChoraleGrid.Voices - 1} ({string.Join(", ", ChoraleGrid.VoiceNames)})");
}
