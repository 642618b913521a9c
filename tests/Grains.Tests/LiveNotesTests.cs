using MusicCluster.Grains.Generation;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Grains.Tests;

public sealed class LiveNotesTests
{
    private static readonly JsbGridTokenizer Grid = new();

    [Fact]
    public void Grid_notes_arrive_as_each_voice_moves_on_and_the_rest_at_the_end_matching_the_decoded_piece()
    {
        // Two bars of a chorale: the soprano moves every quarter, the bass holds a half note, the tenor repeats.
        var steps = Enumerable.Range(0, 32).Select(step => (IReadOnlyList<int>)new[] { 72 + step / 4 % 3, 64, step < 16 ? 57 : 55, step / 8 % 2 == 0 ? 48 : 43 }).ToList();
        var chorale = new ChoraleGrid(steps);
        int[] tokens = [JsbGridTokenizer.BeginId, .. Grid.EncodeGrid(chorale)];
        var live = new LiveNotes(Grid);

        var early = live.Add(tokens.Take(1 + 4 * 5)); // five steps in: the soprano's first quarter is over, nothing else
        Assert.Equal([(72, 0.0, 1.0, 0)], early.Select(n => (n.Pitch, n.Start, n.Duration, n.Voice)));
        var rest = live.Add(tokens.Skip(1 + 4 * 5));
        var last = live.Finish();
        var all = early.Concat(rest).Concat(last).Select(n => (n.Pitch, n.Start, n.Duration, n.Voice)).OrderBy(n => n.Start).ThenBy(n => n.Voice).ToList();

        double quarters(long ticks, int tpq) => ticks / (double)tpq;
        var piece = chorale.ToPiece();
        var decoded = piece.Notes.Select(n => (n.Pitch, quarters(n.Start, piece.TicksPerQuarter), quarters(n.Duration, piece.TicksPerQuarter), n.Track))
            .OrderBy(n => n.Item2).ThenBy(n => n.Track).ToList();
        Assert.Equal(decoded, all);
        Assert.NotEmpty(last);
        Assert.Empty(live.Finish());
    }
}
