using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Audio;

/// <summary>
/// Converts ticks to seconds through a piece's tempo changes (120 BPM until the first change, as MIDI assumes).
/// Audio rendering and the piano roll both need wall-clock times that agree with what a MIDI player would do.
/// </summary>
public sealed class TempoMap
{
    public const int DefaultMicrosecondsPerQuarter = 500_000;

    private readonly int _ticksPerQuarter;
    private readonly long[] _ticks;
    private readonly double[] _seconds;
    private readonly int[] _microsecondsPerQuarter;

    public TempoMap(Piece piece)
    {
        if (piece.TicksPerQuarter <= 0)
            throw new ArgumentException($"TicksPerQuarter must be positive, was {piece.TicksPerQuarter}", nameof(piece));
        _ticksPerQuarter = piece.TicksPerQuarter;
        var changes = new List<(long Tick, int Tempo)> { (0, DefaultMicrosecondsPerQuarter) };
        foreach (TempoChange change in piece.Tempos.OrderBy(t => t.Tick))
        {
            if (change.MicrosecondsPerQuarter <= 0)
                throw new ArgumentException($"Tempo change at tick {change.Tick} has a non-positive tempo ({change.MicrosecondsPerQuarter} µs per quarter)", nameof(piece));
            long tick = Math.Max(0, change.Tick);
            // A later change at the same tick wins, like a MIDI player applying events in order.
            if (changes[^1].Tick == tick) changes[^1] = (tick, change.MicrosecondsPerQuarter);
            else changes.Add((tick, change.MicrosecondsPerQuarter));
        }
        _ticks = changes.Select(c => c.Tick).ToArray();
        _microsecondsPerQuarter = changes.Select(c => c.Tempo).ToArray();
        _seconds = new double[_ticks.Length];
        for (int i = 1; i < _ticks.Length; i++)
            _seconds[i] = _seconds[i - 1] + SecondsFor(_ticks[i] - _ticks[i - 1], _microsecondsPerQuarter[i - 1]);
    }

    /// <summary>Seconds from the start of the piece to <paramref name="tick"/>.</summary>
    public double ToSeconds(long tick)
    {
        int index = SegmentAt(tick);
        return _seconds[index] + SecondsFor(tick - _ticks[index], _microsecondsPerQuarter[index]);
    }

    /// <summary>Tempo in microseconds per quarter at <paramref name="tick"/>.</summary>
    public int MicrosecondsPerQuarterAt(long tick) => _microsecondsPerQuarter[SegmentAt(tick)];

    private int SegmentAt(long tick)
    {
        int index = Array.BinarySearch(_ticks, tick);
        if (index < 0) index = ~index - 1;
        return Math.Max(0, index);
    }

    private double SecondsFor(long ticks, int microsecondsPerQuarter) =>
        ticks * (double)microsecondsPerQuarter / _ticksPerQuarter / 1_000_000.0;
}
