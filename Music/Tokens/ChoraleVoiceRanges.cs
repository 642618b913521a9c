namespace MusicCluster.Music.Tokens;

/// <summary>
/// The range each voice of a four-part chorale has in J. S. Bach's chorales (the JSB data set's training split), in
/// MIDI numbers: soprano 60-81, alto 52-74, tenor 46-69, bass 36-66. The sampler keeps generated voices inside them
/// and the chorale figures count notes outside them.
/// </summary>
public static class ChoraleVoiceRanges
{
    public static readonly VoiceRange Soprano = new(60, 81);
    public static readonly VoiceRange Alto = new(52, 74);
    public static readonly VoiceRange Tenor = new(46, 69);
    public static readonly VoiceRange Bass = new(36, 66);

    /// <summary>The ranges in voice order (0 soprano ... 3 bass), as <see cref="ChoraleGrid.VoiceNames"/>.</summary>
    public static readonly IReadOnlyList<VoiceRange> ByVoice = [Soprano, Alto, Tenor, Bass];
}

/// <summary>The lowest and highest MIDI pitch a voice may sing, both included.</summary>
public readonly record struct VoiceRange(int Lowest, int Highest)
{
    public bool Contains(int pitch) => pitch >= Lowest && pitch <= Highest;

    public override string ToString() => $"{Lowest}-{Highest}";
}
