using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Notation;

/// <summary>One bar: where it starts, how long it is and the time signature in force.</summary>
public sealed record Bar(int Index, long StartTick, long LengthTicks, TimeSignature TimeSignature)
{
    public long EndTick => StartTick + LengthTicks;
}

/// <summary>
/// The bar lines of a piece. Bars start at tick 0 and at every time-signature change (as in MIDI, a change starts a
/// new bar; a bar cut short by a change keeps its shorter length). Every writer that splits music into bars uses this,
/// so MusicXML, jianpu, the piano roll and the metrics agree on where bars are.
/// </summary>
public static class BarGrid
{
    /// <summary>
    /// The most bars a piece may have (over 30 hours of 4/4 at 120 BPM). A piece read from a damaged file can end at an
    /// absurd tick; this bound keeps every consumer of the grid from allocating without limit.
    /// </summary>
    public const int MaxBars = 100_000;

    /// <summary>Bars covering [0, max(endTick, one bar)).</summary>
    public static IReadOnlyList<Bar> Compute(Piece piece, long? endTick = null)
    {
        if (piece.TicksPerQuarter <= 0)
            throw new ArgumentException($"TicksPerQuarter must be positive, was {piece.TicksPerQuarter}", nameof(piece));
        long end = Math.Max(1, endTick ?? piece.EndTick);
        var signatures = piece.TimeSignatures.Where(t => t.Tick >= 0).OrderBy(t => t.Tick).ToList();
        foreach (TimeSignature signature in signatures)
            if (signature.Numerator <= 0 || signature.Denominator <= 0 || (signature.Denominator & (signature.Denominator - 1)) != 0)
                throw new ArgumentException($"Time signature at tick {signature.Tick} is invalid: {signature.Numerator}/{signature.Denominator}", nameof(piece));
        if (signatures.Count == 0 || signatures[0].Tick > 0) signatures.Insert(0, new TimeSignature(0, 4, 4));

        var bars = new List<Bar>();
        for (int s = 0; s < signatures.Count; s++)
        {
            TimeSignature signature = signatures[s];
            long regionEnd = s + 1 < signatures.Count ? signatures[s + 1].Tick : long.MaxValue;
            long barLength = Math.Max(1, signature.TicksPerBar(piece.TicksPerQuarter));
            for (long start = signature.Tick; start < regionEnd && (start < end || bars.Count == 0); start += barLength)
            {
                long length = Math.Min(barLength, regionEnd - start);
                if (length <= 0) continue;
                if (bars.Count == MaxBars)
                    throw new ArgumentException($"The piece is too long: more than {MaxBars} bars (it ends at tick {end})", nameof(piece));
                bars.Add(new Bar(bars.Count, start, length, signature));
            }
            if (regionEnd >= end && bars.Count > 0 && bars[^1].EndTick >= end) break;
        }
        return bars;
    }

    /// <summary>Index of the bar containing <paramref name="tick"/> (the last bar for ticks past the end).</summary>
    public static int BarIndexAt(IReadOnlyList<Bar> bars, long tick)
    {
        int low = 0, high = bars.Count - 1;
        while (low < high)
        {
            int mid = (low + high + 1) / 2;
            if (bars[mid].StartTick <= tick) low = mid; else high = mid - 1;
        }
        return low;
    }
}
