using MusicCluster.Music.Pieces;

// Not "Pieces": a namespace MusicCluster.Music.Tests.Pieces would hide MusicCluster.Music.Pieces from other tests
// that write "Pieces.Piece".
namespace MusicCluster.Music.Tests.PieceModel;

public class PieceTimingTests
{
    [Fact]
    public void WithoutTemposAQuarterNoteLastsHalfASecond()
    {
        var piece = new Piece { TicksPerQuarter = 96, Notes = [new Note(60, 0, 96 * 3, 64, 0)] };
        Assert.Equal(new TempoChange(0, 500_000), piece.TempoAt(1000));
        Assert.Equal(0.5, piece.SecondsAt(96), 12);
        Assert.Equal(1.5, piece.DurationSeconds, 12);
    }

    [Fact]
    public void SecondsFollowTheTempoMap()
    {
        var piece = new Piece
        {
            TicksPerQuarter = 480,
            // 120 BPM for two quarters, then 60 BPM; two changes at one tick: the later one counts.
            Tempos = [new TempoChange(0, 500_000), new TempoChange(960, 250_000), new TempoChange(960, 1_000_000)],
            Notes = [new Note(60, 0, 1440, 64, 0)],
        };
        Assert.Equal(0.0, piece.SecondsAt(0), 12);
        Assert.Equal(0.5, piece.SecondsAt(480), 12);
        Assert.Equal(1.0, piece.SecondsAt(960), 12);
        Assert.Equal(1.5, piece.SecondsAt(1200), 12);
        Assert.Equal(2.0, piece.DurationSeconds, 12);
        Assert.Equal(new TempoChange(960, 1_000_000), piece.TempoAt(960));
        Assert.Equal(new TempoChange(0, 500_000), piece.TempoAt(959));
    }
}
