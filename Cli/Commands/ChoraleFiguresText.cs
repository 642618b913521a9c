using System.Globalization;
using MusicCluster.Music.Scoring;

namespace MusicCluster.Cli.Commands;

/// <summary>The chorale figures of `eval` as a small table, real beside generated, for reading in a terminal.</summary>
internal static class ChoraleFiguresText
{
    public static void Write(TextWriter output, ChoraleComparison chorale, string real = "real", string generated = "generated")
    {
        output.WriteLine($"{"chorale figures",-36} {real,9} {generated,9}");
        Row(output, "parallel 5ths/8ves per 100 changes", chorale, f => f.ParallelsPer100ChordChanges, "F2");
        Row(output, "chord share (triads, sevenths)", chorale, f => f.ChordShare, "F3");
        Row(output, "scale consistency", chorale, f => f.ScaleConsistency, "F3");
        Row(output, "notes in voice range", chorale, f => f.NotesInRangeShare, "F3");
        Row(output, "voices one note at a time", chorale, f => f.MonophonicVoiceShare, "F3");
    }

    private static void Row(TextWriter output, string name, ChoraleComparison chorale, Func<ChoraleFigures, double?> figure, string format)
    {
        // "-" where a set has nothing to count (e.g. no four-voice piece for the range share).
        string Cell(ChoraleFigures figures) => figure(figures)?.ToString(format, CultureInfo.InvariantCulture) ?? "-";
        output.WriteLine($"{name,-36} {Cell(chorale.Real),9} {Cell(chorale.Generated),9}");
    }
}
