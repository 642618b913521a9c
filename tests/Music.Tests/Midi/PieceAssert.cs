using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Tests.Midi;

/// <summary>
/// Compares pieces field by field (records compare their lists and dictionaries by reference), with messages that
/// say which field differs.
/// </summary>
internal static class PieceAssert
{
    public static void Equal(Piece expected, Piece actual, string context = "")
    {
        string at = context.Length == 0 ? "" : $" ({context})";
        Assert.True(expected.TicksPerQuarter == actual.TicksPerQuarter, $"TicksPerQuarter {expected.TicksPerQuarter} != {actual.TicksPerQuarter}{at}");
        SameList(expected.Notes, actual.Notes, "Notes", at);
        SameList(expected.Tempos, actual.Tempos, "Tempos", at);
        SameList(expected.TimeSignatures, actual.TimeSignatures, "TimeSignatures", at);
        SameList(expected.KeySignatures, actual.KeySignatures, "KeySignatures", at);
        SameList(expected.Tracks, actual.Tracks, "Tracks", at);
        var (e, a) = (expected.Metadata, actual.Metadata);
        Assert.True(e.Title == a.Title, $"Title '{e.Title}' != '{a.Title}'{at}");
        Assert.True(e.Composer == a.Composer, $"Composer '{e.Composer}' != '{a.Composer}'{at}");
        Assert.True(e.Copyright == a.Copyright, $"Copyright '{e.Copyright}' != '{a.Copyright}'{at}");
        SameProvenance(e.Provenance, a.Provenance, at);
    }

    private static void SameList<T>(IReadOnlyList<T> expected, IReadOnlyList<T> actual, string name, string at)
    {
        for (int i = 0; i < Math.Min(expected.Count, actual.Count); i++)
            Assert.True(Equals(expected[i], actual[i]), $"{name}[{i}]: expected {expected[i]}, got {actual[i]}{at}");
        Assert.True(expected.Count == actual.Count, $"{name}: expected {expected.Count} entries, got {actual.Count}{at}");
    }

    private static void SameProvenance(Provenance? expected, Provenance? actual, string at)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"Provenance: expected {expected?.ToString() ?? "null"}, got {actual?.ToString() ?? "null"}{at}");
            return;
        }
        Assert.Equal(expected with { Parameters = actual.Parameters }, actual);
        Assert.Equal(expected.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal), actual.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal));
    }
}
