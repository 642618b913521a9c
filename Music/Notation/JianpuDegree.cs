using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Notation;

/// <summary>
/// A pitch in numbered notation: scale degree 1-7, a sharp (+1) or flat (-1) for notes outside the scale, and the
/// octave relative to the one starting at the tonic nearest above middle C (dots above when positive, below when negative).
/// </summary>
public sealed record JianpuDegree(int Degree, int Accidental, int Octave)
{
    // For each semitone above the tonic: the degree and accidental. Chromatic notes take the spelling most common in
    // jianpu: #1, b3, #4, #5, b7.
    private static readonly (int Degree, int Accidental)[] BySemitone =
    [
        (1, 0), (1, 1), (2, 0), (3, -1), (3, 0), (4, 0), (4, 1), (5, 0), (5, 1), (6, 0), (7, -1), (7, 0),
    ];

    /// <summary>
    /// Degree of a MIDI pitch in a key. 1 is the major tonic of the key signature (a minor key is written in its
    /// relative major, so A minor is "1=C" and its tonic is 6), as numbered notation usually does.
    /// </summary>
    public static JianpuDegree Of(int pitch, KeySignature key)
    {
        int tonic = MajorTonicPitchClass(key);
        int semitone = ((pitch - tonic) % 12 + 12) % 12;
        var (degree, accidental) = BySemitone[semitone];
        int reference = 60 + tonic;
        int octave = (int)Math.Floor((pitch - accidental - reference) / 12.0);
        return new JianpuDegree(degree, accidental, octave);
    }

    /// <summary>Pitch class of the note written as 1.</summary>
    public static int MajorTonicPitchClass(KeySignature key) => ((Math.Clamp(key.Sharps, -7, 7) * 7) % 12 + 12) % 12;

    /// <summary>The header text "1=G", "1=Bb"...</summary>
    public static string KeyLabel(KeySignature key)
    {
        string[] names = ["Cb", "Gb", "Db", "Ab", "Eb", "Bb", "F", "C", "G", "D", "A", "E", "B", "F#", "C#"];
        return "1=" + names[Math.Clamp(key.Sharps, -7, 7) + 7];
    }

    public override string ToString() => (Accidental > 0 ? "#" : Accidental < 0 ? "b" : "") + Degree
        + (Octave > 0 ? new string('\'', Octave) : Octave < 0 ? new string(',', -Octave) : "");
}
