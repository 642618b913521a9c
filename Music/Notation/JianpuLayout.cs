using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Notation;

public enum JianpuGlyphKind { Note, Rest, Dash, AugmentationDot }

/// <summary>
/// One symbol of numbered notation at an offset (notation units from the bar start): a digit (note or rest 0), a dash
/// holding the previous note for another beat, or an augmentation dot. Duration is the time the symbol itself stands
/// for, up to the next symbol, so a bar's symbols add up to the bar. Underlines halve the value (1 = eighth, 2 = 16th).
/// </summary>
public sealed record JianpuGlyph(JianpuGlyphKind Kind, long Offset, long Duration, JianpuDegree? Degree, int Underlines, int Dots, bool TiedFromPrevious);

/// <summary>One row of digits: a part, or one voice of a part whose notes overlap; its glyphs bar by bar.</summary>
public sealed record JianpuLine(string Name, int Track, int Voice, IReadOnlyList<IReadOnlyList<JianpuGlyph>> Bars);

/// <summary>
/// Turns a voice into numbered-notation glyphs. The beat is the quarter note. A note that starts on a beat and lasts
/// whole beats is a digit followed by dashes (with an augmentation dot for a further half beat); shorter notes and
/// parts of notes inside a beat are digits with underlines; a note that crosses a beat otherwise continues as a tied
/// digit. Rests are 0 for every beat or part of a beat. Chords show their top note.
/// </summary>
public static class JianpuLayout
{
    private const long Beat = NotationScore.UnitsPerQuarter;

    /// <summary>
    /// The rows of the score: one per part, since a monophonic track is one voice, and one per voice of a part whose
    /// notes overlap (one row of digits cannot hold two notes at once). Parts come highest first, as a score reads
    /// top-down, and the voices of a part stay together, highest first.
    /// </summary>
    public static IReadOnlyList<JianpuLine> Lines(NotationScore score) => score.Parts
        .Where(part => part.Voices.Count > 0)
        .OrderByDescending(part => part.Voices.SelectMany(v => v.Chords).SelectMany(c => c.Pitches).Average())
        .SelectMany(part => part.Voices.Select((voice, v) =>
        {
            var measures = MeasureSplitter.Split(voice, score.Bars);
            var bars = score.Bars.Select(bar => (IReadOnlyList<JianpuGlyph>)measures[bar.Index]
                .SelectMany(item => Glyphs(item, score.KeyAt(bar.Start))).ToList()).ToList();
            string name = part.Voices.Count > 1 ? $"{part.Name} ({v + 1})" : part.Name;
            return new JianpuLine(name, part.Track, v + 1, bars);
        }))
        .ToList();

    public static IEnumerable<JianpuGlyph> Glyphs(MeasureItem item, KeySignature key)
    {
        JianpuDegree? degree = item.IsRest ? null : JianpuDegree.Of(item.Pitches[^1], key);
        long position = item.Offset, end = item.Offset + item.Duration;
        bool tied = item.TiedFromPrevious;
        while (position < end)
        {
            long nextBeat = (position / Beat + 1) * Beat;
            if (position % Beat == 0 && end - position >= Beat)
            {
                long beats = (end - position) / Beat;
                if (item.IsRest)
                {
                    // Rests are never held with dashes: each beat gets its own 0.
                    for (long b = 0; b < beats; b++) yield return new JianpuGlyph(JianpuGlyphKind.Rest, position + b * Beat, Beat, null, 0, 0, false);
                    position += beats * Beat;
                    continue;
                }
                long remainder = end - position - beats * Beat;
                bool dotted = remainder == Beat / 2;
                yield return new JianpuGlyph(JianpuGlyphKind.Note, position, Beat, degree, 0, 0, tied);
                for (long b = 1; b < beats; b++) yield return new JianpuGlyph(JianpuGlyphKind.Dash, position + b * Beat, Beat, null, 0, 0, false);
                position += beats * Beat;
                if (dotted)
                {
                    yield return new JianpuGlyph(JianpuGlyphKind.AugmentationDot, position, remainder, null, 0, 0, false);
                    position = end;
                }
                tied = true;
                continue;
            }
            // A part of a beat: written values (eighth, dotted eighth, 16th...) up to the next beat or the note's end.
            long segmentEnd = Math.Min(end, nextBeat);
            foreach (NoteValue value in NoteValue.Decompose(segmentEnd - position))
            {
                int underlines = value.TypeName switch { "eighth" => 1, "16th" => 2, "32nd" => 3, "64th" => 4, _ => 0 };
                yield return item.IsRest
                    ? new JianpuGlyph(JianpuGlyphKind.Rest, position, value.Units, null, underlines, value.Dots, false)
                    : new JianpuGlyph(JianpuGlyphKind.Note, position, value.Units, degree, underlines, value.Dots, tied);
                position += value.Units;
                tied = !item.IsRest;
            }
        }
    }
}
