using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Scoring;

/// <summary>
/// A piece on a 16th-note grid, as a musician reads a chorale's harmony: for each step the pitches sounding at it,
/// high to low, so that index i is the i-th highest sounding voice whichever track plays it. A pitch played by two
/// notes at once (two voices in unison) is there twice. Drum notes are left out.
/// </summary>
public static class SoundingSteps
{
    public const int StepsPerQuarter = 4;

    /// <summary>Most steps a piece may span (about 17 hours at 120 quarters a minute): a longer one is not music to judge.</summary>
    public const int MaxSteps = 1 << 24;

    /// <summary>
    /// The sounding pitches of each step from 0 to the end of the last note. A note sounds from its start to its end,
    /// both rounded to the nearest step (as <see cref="Tokens.ChoraleGrid.FromPiece"/> rounds them), and at least at
    /// the step of its start, so a note shorter than half a 16th is not lost.
    /// </summary>
    public static int[][] Of(Piece piece)
    {
        ArgumentNullException.ThrowIfNull(piece);
        if (piece.TicksPerQuarter <= 0) throw new ArgumentException($"Ticks per quarter must be positive, not {piece.TicksPerQuarter}", nameof(piece));
        var spans = piece.Notes.Where(n => !n.IsDrum && n.Duration > 0)
            .Select(n =>
            {
                long first = ToStep(n.Start, piece.TicksPerQuarter);
                return (n.Pitch, First: first, End: Math.Max(first + 1, ToStep(n.End, piece.TicksPerQuarter)));
            })
            .ToList();
        long length = spans.Count == 0 ? 0 : spans.Max(s => s.End);
        if (length > MaxSteps) throw new ArgumentException($"The piece spans {length} 16th steps, more than {MaxSteps}", nameof(piece));
        var steps = new List<int>[length];
        foreach (var (pitch, first, end) in spans)
            for (long step = Math.Max(0, first); step < end; step++)
                (steps[step] ??= []).Add(pitch);
        return steps.Select(s => s is null ? [] : s.OrderDescending().ToArray()).ToArray();
    }

    private static long ToStep(long tick, int ticksPerQuarter) =>
        (long)Math.Round(tick * (double)StepsPerQuarter / ticksPerQuarter, MidpointRounding.AwayFromZero);
}
