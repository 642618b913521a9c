using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Tests.Tokens;

/// <summary>Structural equality of pieces (records compare their lists by reference), reporting the first difference.</summary>
internal static class PieceAssert
{
    public static void Equal(Piece expected, Piece actual, string? context = null)
    {
        string where = context is null ? "" : $" ({context})";
        Assert.True(expected.TicksPerQuarter == actual.TicksPerQuarter, $"Ticks per quarter differ{where}: {expected.TicksPerQuarter} vs {actual.TicksPerQuarter}");
        SameList("notes", expected.Notes, actual.Notes, where);
        SameList("tempos", expected.Tempos, actual.Tempos, where);
        SameList("time signatures", expected.TimeSignatures, actual.TimeSignatures, where);
        SameList("key signatures", expected.KeySignatures, actual.KeySignatures, where);
        SameList("tracks", expected.Tracks, actual.Tracks, where);
    }

    private static void SameList<T>(string what, IReadOnlyList<T> expected, IReadOnlyList<T> actual, string where)
    {
        for (int i = 0; i < Math.Min(expected.Count, actual.Count); i++)
            Assert.True(Equals(expected[i], actual[i]), $"{what}[{i}] differ{where}: expected {expected[i]}, got {actual[i]}");
        Assert.True(expected.Count == actual.Count, $"{what} count differs{where}: expected {expected.Count}, got {actual.Count}");
    }
}
