namespace MusicCluster.Music.Notation;

/// <summary>A note on the notation grid: start and end in notation units.</summary>
public readonly record struct QuantizedNote(int Pitch, long Start, long End, int Velocity);

/// <summary>
/// Splits the notes of one staff into as few voices as they need, each a line of chords that never overlap. Notes that
/// start and end together are one chord. Chords are then coloured greedily in time order, higher ones first where
/// they start together (interval partitioning): a chord goes to the first voice that is free by its start, and a new
/// voice opens only when none is, so the number of voices is the largest number of chords sounding at once and a
/// monophonic line is one voice. First-fit keeps the voice that opened first, usually the top line, as full as it can
/// be, so the other voices appear only where the music needs them. Voices are ordered by mean pitch, highest first.
/// </summary>
public static class VoiceSeparator
{
    /// <summary>
    /// The longest overlap read as legato playing rather than as two voices: a 32nd note. Played (imported) MIDI often
    /// holds a note a moment into the next; written music would not give that moment a voice of its own.
    /// </summary>
    public const long LegatoOverlapUnits = NotationScore.UnitsPerQuarter / 8;

    public static IReadOnlyList<NotatedVoice> Separate(IEnumerable<QuantizedNote> notes, int staff)
    {
        var chords = TrimLegatoOverlaps(notes.ToList())
            .GroupBy(n => (n.Start, n.End))
            .Select(g => new NotatedChord(g.Key.Start, g.Key.End - g.Key.Start,
                g.Select(n => n.Pitch).Distinct().Order().ToList(), g.Max(n => n.Velocity)))
            .ToList();

        var voices = new List<List<NotatedChord>>();
        foreach (NotatedChord chord in chords.OrderBy(c => c.Start).ThenByDescending(c => c.Pitches[^1]))
        {
            List<NotatedChord>? free = voices.FirstOrDefault(v => v[^1].End <= chord.Start);
            if (free is null) voices.Add([chord]);
            else free.Add(chord);
        }
        return voices.Select(v => new NotatedVoice(v, staff)).OrderByDescending(v => v.MeanPitch).ToList();
    }

    /// <summary>
    /// Ends a note at the next onset of the staff when it overlaps that onset by at most <see cref="LegatoOverlapUnits"/>
    /// and keeps at least half its length. Notes that start together are a chord, never an overlap.
    /// </summary>
    private static IEnumerable<QuantizedNote> TrimLegatoOverlaps(List<QuantizedNote> notes)
    {
        var onsets = notes.Select(n => n.Start).Distinct().Order().ToList();
        foreach (QuantizedNote note in notes)
        {
            int index = onsets.BinarySearch(note.Start);
            if (index + 1 >= onsets.Count) { yield return note; continue; }
            long next = onsets[index + 1];
            bool legato = next < note.End && note.End - next <= LegatoOverlapUnits && 2 * (next - note.Start) >= note.End - note.Start;
            yield return legato ? note with { End = next } : note;
        }
    }
}
