namespace MusicCluster.Music.Notation;

/// <summary>
/// A note, chord or rest inside one bar, with offsets in notation units from the bar start. An empty
/// <see cref="Pitches"/> list is a rest. Ties say whether the sound continues from the previous item or into the next.
/// </summary>
public sealed record MeasureItem(long Offset, long Duration, IReadOnlyList<int> Pitches, bool TiedFromPrevious, bool TiedToNext)
{
    public bool IsRest => Pitches.Count == 0;
}

/// <summary>Splits a voice into bars: notes that cross a bar line become tied notes, gaps become rests.</summary>
public static class MeasureSplitter
{
    /// <summary>One list per bar; each list's durations add up to the bar length exactly.</summary>
    public static IReadOnlyList<IReadOnlyList<MeasureItem>> Split(NotatedVoice voice, IReadOnlyList<NotatedBar> bars)
    {
        var result = bars.Select(_ => new List<MeasureItem>()).ToList();
        int barIndex = 0;
        foreach (NotatedChord chord in voice.Chords)
        {
            long position = chord.Start;
            while (position < chord.End)
            {
                while (barIndex < bars.Count - 1 && bars[barIndex].End <= position) barIndex++;
                NotatedBar bar = bars[barIndex];
                long end = Math.Min(chord.End, bar.End);
                if (end <= position) break; // past the last bar: the grid always covers the notes, so this is a guard only
                result[barIndex].Add(new MeasureItem(position - bar.Start, end - position, chord.Pitches,
                    TiedFromPrevious: position > chord.Start, TiedToNext: end < chord.End));
                position = end;
            }
        }
        for (int i = 0; i < bars.Count; i++) result[i] = FillRests(result[i], bars[i].Length);
        return result;
    }

    /// <summary>True when a voice has no notes in a bar (the MusicXML writer leaves such a voice out of that bar).</summary>
    public static bool IsEmpty(IReadOnlyList<MeasureItem> items) => items.All(i => i.IsRest);

    private static List<MeasureItem> FillRests(List<MeasureItem> items, long barLength)
    {
        var filled = new List<MeasureItem>();
        long position = 0;
        foreach (MeasureItem item in items.OrderBy(i => i.Offset))
        {
            if (item.Offset > position) filled.Add(new MeasureItem(position, item.Offset - position, [], false, false));
            filled.Add(item);
            position = item.Offset + item.Duration;
        }
        if (position < barLength) filled.Add(new MeasureItem(position, barLength - position, [], false, false));
        return filled;
    }
}
