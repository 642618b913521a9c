namespace MusicCluster.Music.Audio;

/// <summary>
/// An instrument of the built-in synthesizer: additive partials (multiples of the fundamental with amplitudes) plus
/// optional two-operator FM, shaped by an ADSR envelope. <see cref="Decay"/> is the seconds for the sustain part to
/// fall to a third when <see cref="Percussive"/> (struck and plucked sounds fade while held; organs and winds do not).
/// </summary>
public sealed record SynthVoice(
    string Name,
    IReadOnlyList<(double Ratio, double Amplitude)> Partials,
    double FmRatio, double FmIndex,
    double Attack, double Decay, double Sustain, double Release,
    bool Percussive, double Gain = 1.0)
{
    public static readonly SynthVoice Piano = new("piano", [(1, 1.0), (2, 0.45), (3, 0.25), (4, 0.12), (5, 0.06)], 0, 0, 0.004, 1.2, 0.0, 0.25, true);
    public static readonly SynthVoice Mallet = new("mallet", [(1, 1.0), (4, 0.3), (10, 0.08)], 0, 0, 0.002, 0.6, 0.0, 0.2, true);
    public static readonly SynthVoice Organ = new("organ", [(0.5, 0.4), (1, 1.0), (2, 0.6), (3, 0.3), (4, 0.25), (8, 0.1)], 0, 0, 0.01, 0.05, 0.9, 0.08, false, 0.7);
    public static readonly SynthVoice Pluck = new("pluck", [(1, 1.0), (2, 0.5), (3, 0.33), (4, 0.2)], 1, 0.8, 0.003, 0.7, 0.0, 0.15, true);
    public static readonly SynthVoice Bass = new("bass", [(1, 1.0), (2, 0.4), (3, 0.15)], 1, 0.5, 0.005, 0.9, 0.0, 0.12, true, 1.1);
    public static readonly SynthVoice Strings = new("strings", [(1, 1.0), (2, 0.5), (3, 0.33), (4, 0.25), (5, 0.2)], 1, 1.2, 0.08, 0.2, 0.85, 0.3, false, 0.8);
    public static readonly SynthVoice Brass = new("brass", [(1, 1.0), (2, 0.7), (3, 0.5), (4, 0.3)], 1, 2.0, 0.04, 0.15, 0.8, 0.15, false, 0.8);
    public static readonly SynthVoice Reed = new("reed", [(1, 1.0), (3, 0.45), (5, 0.25), (7, 0.12)], 2, 0.6, 0.03, 0.1, 0.85, 0.12, false, 0.8);
    public static readonly SynthVoice Pipe = new("pipe", [(1, 1.0), (2, 0.15), (3, 0.05)], 0, 0, 0.05, 0.1, 0.9, 0.15, false, 0.9);
    public static readonly SynthVoice Lead = new("lead", [(1, 1.0), (2, 0.5), (3, 0.33), (4, 0.25), (5, 0.2), (6, 0.16)], 0, 0, 0.01, 0.1, 0.8, 0.1, false, 0.6);

    /// <summary>The voice for a General MIDI program (0-127), by instrument family.</summary>
    public static SynthVoice ForProgram(int program) => Math.Clamp(program, 0, 127) switch
    {
        < 8 => Piano,
        < 16 => Mallet,
        < 24 => Organ,
        < 32 => Pluck,
        < 40 => Bass,
        < 56 => Strings,
        < 64 => Brass,
        < 72 => Reed,
        < 80 => Pipe,
        _ => Lead,
    };
}
