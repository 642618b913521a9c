using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Scoring;

/// <summary>One note of a melody line: pitch and onset/end in ticks.</summary>
public sealed record MelodyNote(int Pitch, long Start, long End);

/// <summary>The melody line of a piece, taken as the "skyline": at every onset, the highest pitched note (drums excluded).</summary>
public static class Melody
{
    public static IReadOnlyList<MelodyNote> Skyline(Piece piece) => piece.Notes
        .Where(n => n.Channel != ObjectiveMetrics.DrumChannel && n.Duration > 0)
        .GroupBy(n => n.Start)
        .OrderBy(g => g.Key)
        .Select(g => g.MaxBy(n => n.Pitch)!)
        .Select(n => new MelodyNote(n.Pitch, n.Start, n.End))
        .ToList();

    /// <summary>Signed semitone steps between consecutive melody notes: transposing the melody leaves them unchanged.</summary>
    public static int[] Intervals(IReadOnlyList<MelodyNote> melody)
    {
        var intervals = new int[Math.Max(0, melody.Count - 1)];
        for (int i = 1; i < melody.Count; i++) intervals[i - 1] = melody[i].Pitch - melody[i - 1].Pitch;
        return intervals;
    }
}
