using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Scoring;

/// <summary>One note of a melody line: pitch and onset/end in ticks.</summary>
public sealed record MelodyNote(int Pitch, long Start, long End);

/// <summary>
/// The melody line of a piece, taken as the "skyline" (Uitdenbogerd &amp; Zobel): at every onset the highest note that
/// starts there, unless a higher note is still sounding above it (then an inner voice moved under a held melody note
/// and the melody does not change). Drums are left out.
/// </summary>
public static class Melody
{
    public static IReadOnlyList<MelodyNote> Skyline(Piece piece)
    {
        var melody = new List<MelodyNote>();
        MelodyNote? top = null;
        foreach (var onset in piece.Notes.Where(n => n.Channel != ObjectiveMetrics.DrumChannel && n.Duration > 0).GroupBy(n => n.Start).OrderBy(g => g.Key))
        {
            Note highest = onset.MaxBy(n => n.Pitch)!;
            if (top is not null && top.End > onset.Key && top.Pitch > highest.Pitch) continue;
            top = new MelodyNote(highest.Pitch, highest.Start, highest.End);
            melody.Add(top);
        }
        return melody;
    }

    /// <summary>Signed semitone steps between consecutive melody notes: transposing the melody leaves them unchanged.</summary>
    public static int[] Intervals(IReadOnlyList<MelodyNote> melody)
    {
        var intervals = new int[Math.Max(0, melody.Count - 1)];
        for (int i = 1; i < melody.Count; i++) intervals[i - 1] = melody[i].Pitch - melody[i - 1].Pitch;
        return intervals;
    }
}
