using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Notation;

/// <summary>Notes that start together and last equally long in one voice (a single note is a one-note chord).
/// Times are in notation units (<see cref="NotationScore.UnitsPerQuarter"/> per quarter).</summary>
public sealed record NotatedChord(long Start, long Duration, IReadOnlyList<int> Pitches, int Velocity)
{
    public long End => Start + Duration;
}

/// <summary>A line of chords that never overlap, in time order, on staff 1 (upper) or 2 (lower) of its part.</summary>
public sealed record NotatedVoice(IReadOnlyList<NotatedChord> Chords, int Staff = 1)
{
    public double MeanPitch => Chords.Count == 0 ? 0 : Chords.SelectMany(c => c.Pitches).Average();
}

/// <summary>
/// One track as written music: one staff, or two (a grand staff) for a wide range, with a clef per staff; its voices,
/// upper staff and highest first.
/// </summary>
public sealed record NotatedPart(int Track, string Name, int Program, int Channel, IReadOnlyList<NotatedVoice> Voices, IReadOnlyList<Clef> Clefs)
{
    public int Staves => Clefs.Count;
}

/// <summary>A bar in notation units.</summary>
public sealed record NotatedBar(int Index, long Start, long Length, TimeSignature TimeSignature)
{
    public long End => Start + Length;
}

/// <summary>
/// A piece quantized to a 64th-note grid and split into parts (one per track, named after it, with clefs by voice name
/// or range) and voices, the common ground of the MusicXML and jianpu writers. Notes that start together with the same
/// length become one chord; notes that overlap otherwise go to separate voices (<see cref="VoiceSeparator"/>), so every
/// voice can be written as a plain sequence of notes, chords and rests.
/// </summary>
public sealed class NotationScore
{
    /// <summary>Notation units per quarter note: the 64th-note grid, the shortest value the writers produce.</summary>
    public const int UnitsPerQuarter = 16;

    /// <summary>
    /// The version of the layout rules (parts, clefs, voices, rows). Raise it when the writers print the same piece
    /// differently, so that notation stored by an earlier version is made again rather than served as it was.
    /// Version 2: clefs by voice name or range, one voice per monophonic track, one jianpu row per part.
    /// Version 3: a piece without a key signature is written in the key its notes suggest (<see cref="KeyEstimator"/>).
    /// </summary>
    public const int LayoutVersion = 3;

    public required IReadOnlyList<NotatedPart> Parts { get; init; }
    public required IReadOnlyList<NotatedBar> Bars { get; init; }
    public required IReadOnlyList<(long Start, KeySignature Key)> Keys { get; init; }
    public required IReadOnlyList<(long Start, double Bpm)> Tempos { get; init; }
    public required string Title { get; init; }
    public string? Composer { get; init; }

    public static NotationScore From(Piece piece)
    {
        if (piece.TicksPerQuarter <= 0)
            throw new ArgumentException($"TicksPerQuarter must be positive, was {piece.TicksPerQuarter}", nameof(piece));
        long ToUnits(long tick) => (long)Math.Round(tick * (double)UnitsPerQuarter / piece.TicksPerQuarter, MidpointRounding.AwayFromZero);

        var quantized = piece.Notes
            .Where(n => n.Duration > 0 && n.Start >= 0)
            .Select(n =>
            {
                long start = ToUnits(n.Start);
                // Very short notes still get one unit, so quantizing never deletes a note.
                long end = Math.Max(start + 1, ToUnits(n.End));
                return (Note: n, Start: start, End: end);
            }).ToList();

        long endUnits = quantized.Count == 0 ? 0 : quantized.Max(q => q.End);
        long endTick = (long)Math.Ceiling(endUnits * (double)piece.TicksPerQuarter / UnitsPerQuarter);
        var bars = BarGrid.Compute(piece, endTick)
            .Select(b => new NotatedBar(b.Index, ToUnits(b.StartTick), ToUnits(b.EndTick) - ToUnits(b.StartTick), b.TimeSignature))
            .Where(b => b.Length > 0).ToList();
        // Re-index after dropping bars that quantized to nothing.
        bars = bars.Select((b, i) => b with { Index = i }).ToList();

        var parts = quantized.GroupBy(q => q.Note.Track).OrderBy(g => g.Key).Select(group =>
        {
            TrackInfo? info = piece.Tracks.FirstOrDefault(t => t.Index == group.Key);
            string? trackName = XmlSafeText.Clean(info?.Name);
            string name = string.IsNullOrWhiteSpace(trackName) ? $"Track {group.Key + 1}" : trackName.Trim();
            var notes = group.Select(q => new QuantizedNote(q.Note.Pitch, q.Start, q.End, q.Note.Velocity)).ToList();
            var (voices, clefs) = Staves(name, notes);
            return new NotatedPart(group.Key, name, info?.Program ?? 0, info?.Channel ?? group.First().Note.Channel, voices, clefs);
        }).ToList();

        var keys = piece.KeySignatures.OrderBy(k => k.Tick).Select(k => (ToUnits(Math.Max(0, k.Tick)), k)).ToList();
        // Without a key signature (generated pieces, many MIDI files) the key the notes suggest, so that notes are
        // spelled as a musician would write them; a first signature after the start holds from the start.
        if (keys.Count == 0) keys.Add((0, KeyEstimator.Estimate(piece) ?? new KeySignature(0, 0, false)));
        else if (keys[0].Item1 > 0) keys.Insert(0, (0, keys[0].k));
        var tempos = piece.Tempos.OrderBy(t => t.Tick).Where(t => t.MicrosecondsPerQuarter > 0)
            .Select(t => (ToUnits(Math.Max(0, t.Tick)), Math.Round(t.BeatsPerMinute, 2))).ToList();

        return new NotationScore
        {
            Parts = parts,
            Bars = bars,
            Keys = keys,
            Tempos = tempos,
            Title = XmlSafeText.Clean(piece.Metadata.Title)!,
            Composer = XmlSafeText.Clean(piece.Metadata.Composer),
        };
    }

    /// <summary>The key in force at a unit position.</summary>
    public KeySignature KeyAt(long unit) => Keys.LastOrDefault(k => k.Start <= unit).Key ?? Keys[0].Key;

    /// <summary>Middle C: on a grand staff, notes from here up go to the upper staff.</summary>
    public const int SplitPitch = 60;

    /// <summary>
    /// The staves of a part and its voices on them: a grand staff (treble and bass) for a wide-ranging track, one staff
    /// with the clef its name or range calls for otherwise. A choir voice is sung from one staff whatever its range.
    /// </summary>
    private static (IReadOnlyList<NotatedVoice> Voices, IReadOnlyList<Clef> Clefs) Staves(string name, IReadOnlyList<QuantizedNote> notes)
    {
        var pitches = notes.Select(n => n.Pitch).ToList();
        if (ClefChooser.ForVoiceName(name) is null && NeedsGrandStaff(pitches))
        {
            var upper = VoiceSeparator.Separate(notes.Where(n => n.Pitch >= SplitPitch), staff: 1);
            var lower = VoiceSeparator.Separate(notes.Where(n => n.Pitch < SplitPitch), staff: 2);
            return (upper.Concat(lower).ToList(), [Clef.Treble, Clef.Bass]);
        }
        return (VoiceSeparator.Separate(notes, staff: 1), [ClefChooser.Choose(name, pitches)]);
    }

    /// <summary>
    /// A track gets a grand staff, as piano music is written, when it spans more than two octaves with a good share of
    /// notes on each side of middle C: one clef would need many ledger lines.
    /// </summary>
    private static bool NeedsGrandStaff(IReadOnlyList<int> pitches)
    {
        if (pitches.Count == 0 || pitches.Max() - pitches.Min() <= 24) return false;
        int low = pitches.Count(p => p < SplitPitch);
        return low >= pitches.Count / 5 && pitches.Count - low >= pitches.Count / 5;
    }
}
