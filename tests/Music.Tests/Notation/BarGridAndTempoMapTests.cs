using MusicCluster.Music.Audio;
using MusicCluster.Music.Notation;
using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Tests.Notation;

public class BarGridAndTempoMapTests
{
    private const int Tpq = TestPieces.Tpq;

    [Fact]
    public void BarsRestartAtEveryTimeSignatureChange()
    {
        // 4/4 from 0, 3/4 from the middle of bar 1 (tick 2 quarters), 6/8 from tick 8 quarters.
        Piece piece = TestPieces.Make([TestPieces.Q(60, 0, 12)]) with
        {
            TimeSignatures = [new TimeSignature(0, 4, 4), new TimeSignature(2 * Tpq, 3, 4), new TimeSignature(8 * Tpq, 6, 8)],
        };
        var bars = BarGrid.Compute(piece);
        Assert.Equal([0L, 2, 5, 8, 11], bars.Select(b => b.StartTick / Tpq));
        Assert.Equal([2L, 3, 3, 3, 3], bars.Select(b => b.LengthTicks / Tpq));
        Assert.Equal(["4/4", "3/4", "3/4", "6/8", "6/8"], bars.Select(b => $"{b.TimeSignature.Numerator}/{b.TimeSignature.Denominator}"));
        Assert.Equal(3, BarGrid.BarIndexAt(bars, 9 * Tpq));
        Assert.Equal(4, BarGrid.BarIndexAt(bars, 100 * Tpq));
    }

    [Fact]
    public void InvalidOrAbsurdGridsAreTypedErrors()
    {
        Piece badSignature = TestPieces.Make([TestPieces.Q(60, 0, 1)]) with { TimeSignatures = [new TimeSignature(0, 3, 5)] };
        Assert.Contains("3/5", Assert.Throws<ArgumentException>(() => BarGrid.Compute(badSignature)).Message);
        Piece tooLong = TestPieces.Make([new Note(60, 1L << 40, 1, 80, 0)]);
        Assert.Contains("too long", Assert.Throws<ArgumentException>(() => BarGrid.Compute(tooLong)).Message);
    }

    [Fact]
    public void TempoMapConvertsTicksThroughEveryChange()
    {
        // 120 BPM (default) until beat 4, 60 BPM until beat 6, then 240 BPM; a second change at beat 6 overrides the first.
        Piece piece = new Piece
        {
            TicksPerQuarter = Tpq,
            Tempos = [TempoChange.FromBpm(4 * Tpq, 60), TempoChange.FromBpm(6 * Tpq, 90), TempoChange.FromBpm(6 * Tpq, 240)],
        };
        var map = new TempoMap(piece);
        Assert.Equal(0.0, map.ToSeconds(0));
        Assert.Equal(2.0, map.ToSeconds(4 * Tpq), 12);
        Assert.Equal(3.0, map.ToSeconds(5 * Tpq), 12);
        Assert.Equal(4.0, map.ToSeconds(6 * Tpq), 12);
        Assert.Equal(4.5, map.ToSeconds(8 * Tpq), 12);
        Assert.Equal(250_000, map.MicrosecondsPerQuarterAt(7 * Tpq));
        Assert.Throws<ArgumentException>(() => new TempoMap(piece with { Tempos = [new TempoChange(0, 0)] }));
    }
}
