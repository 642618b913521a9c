using MusicCluster.Music.Pieces;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Harmony;

/// <summary>A melody that cannot be harmonised, and why (which note, where).</summary>
public sealed class MelodyException(string message) : ArgumentException(message);

/// <summary>
/// The melody a harmonisation keeps: its notes exactly as given, and the soprano cell of every 16th step that the
/// model reads (the notes rounded to the 16th grid). Only a singable soprano is taken: one note at a time, each
/// inside the soprano's range, no two in one 16th, at most <see cref="MaxBars"/> bars; anything else is refused with
/// a <see cref="MelodyException"/> naming the note and where it is.
/// </summary>
public sealed class SopranoMelody
{
    public const int StepsPerQuarter = 4, StepsPerBar = 16;

    /// <summary>Longest melody taken (the longest JSB chorale has about 40 bars): each bar costs 64 model steps per candidate.</summary>
    public const int MaxBars = 64;

    private SopranoMelody(Piece piece, IReadOnlyList<Note> notes, int[] cells)
    {
        Source = piece;
        Notes = notes;
        Cells = cells;
    }

    /// <summary>The piece the melody came from (its ticks, tempo, time and key signatures carry over).</summary>
    public Piece Source { get; }

    /// <summary>The melody's notes as given, in order.</summary>
    public IReadOnlyList<Note> Notes { get; }

    /// <summary>The soprano per 16th step (a MIDI pitch, or <see cref="ChoraleGrid.Silent"/> in a rest).</summary>
    public IReadOnlyList<int> Cells { get; }

    public int Steps => Cells.Count;

    public int Bars => (Steps + StepsPerBar - 1) / StepsPerBar;

    /// <summary>
    /// The melody of a piece whose notes are all melody (a MIDI file with one line, a list of notes), on any track.
    /// Drums are ignored.
    /// </summary>
    public static SopranoMelody FromPiece(Piece piece)
    {
        ArgumentNullException.ThrowIfNull(piece);
        return FromNotes(piece, piece.Notes.Where(n => !n.IsDrum).ToList());
    }

    /// <summary>
    /// The top voice of a piece to harmonise again: the soprano track of a four-voice chorale (track 0), otherwise the
    /// highest line (<see cref="Scoring.Melody.Skyline"/>, cut where the next note starts).
    /// </summary>
    public static SopranoMelody TopVoiceOf(Piece piece)
    {
        ArgumentNullException.ThrowIfNull(piece);
        var notes = piece.Notes.Where(n => !n.IsDrum).ToList();
        if (notes.Count > 0 && notes.All(n => n.Track is >= 0 and < ChoraleGrid.Voices) && notes.Select(n => n.Track).Distinct().Count() == ChoraleGrid.Voices)
            return FromNotes(piece, notes.Where(n => n.Track == 0).ToList());
        var line = Scoring.Melody.Skyline(piece);
        var top = new List<Note>();
        for (int i = 0; i < line.Count; i++)
        {
            long end = i + 1 < line.Count ? Math.Min(line[i].End, line[i + 1].Start) : line[i].End;
            top.Add(new Note(line[i].Pitch, line[i].Start, end - line[i].Start, 80, 0));
        }
        return FromNotes(piece, top);
    }

    private static SopranoMelody FromNotes(Piece piece, List<Note> notes)
    {
        if (notes.Count == 0) throw new MelodyException("The melody holds no notes");
        if (piece.TicksPerQuarter <= 0 || piece.TicksPerQuarter % StepsPerQuarter != 0)
            throw new MelodyException($"The melody's ticks per quarter note ({piece.TicksPerQuarter}) are not a " +
                $"multiple of {StepsPerQuarter}: its 16th notes do not fall on whole ticks");
        notes.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.Pitch.CompareTo(b.Pitch));
        long ticksPerStep = piece.TicksPerQuarter / StepsPerQuarter;
        string Where(Note note) => $"{ChoraleVoicing.NameOf(note.Pitch)} at {ChoraleVoicing.Position(piece, (int)Math.Min(int.MaxValue, note.Start / ticksPerStep))}";

        long lastEnd = notes.Max(n => n.End);
        if (lastEnd > (long)MaxBars * 4 * piece.TicksPerQuarter)
            throw new MelodyException($"The melody is longer than {MaxBars} bars of 4/4, the most a harmonisation takes");
        var soprano = ChoraleVoices.RangeOf(0);
        long Step(long tick) => (tick + ticksPerStep / 2) / ticksPerStep;
        var cells = Enumerable.Repeat(ChoraleGrid.Silent, (int)notes.Max(n => Math.Max(Step(n.End), Step(n.Start) + 1))).ToArray();
        for (int i = 0; i < notes.Count; i++)
        {
            var note = notes[i];
            if (i > 0 && notes[i - 1].End > note.Start)
                throw new MelodyException($"Two notes sound at once: {Where(notes[i - 1])} is still sounding when {Where(note)} starts; a melody is one note at a time");
            if (!soprano.Contains(note.Pitch))
                throw new MelodyException($"{Where(note)} is outside the soprano's range " +
                    $"{ChoraleVoicing.NameOf(soprano.Lowest)}-{ChoraleVoicing.NameOf(soprano.Highest)} (MIDI {soprano.Lowest}-{soprano.Highest})");
            // The model reads the melody on the 16th grid; the output keeps the notes as played.
            long first = Step(note.Start), end = Math.Max(first + 1, Step(note.End));
            for (long step = first; step < end; step++)
            {
                if (cells[step] != ChoraleGrid.Silent)
                    throw new MelodyException($"{Where(notes[i - 1])} and {Where(note)} fall on one 16th note: the shortest note a harmonisation takes is a 16th");
                cells[step] = note.Pitch;
            }
        }
        return new SopranoMelody(piece, notes, cells);
    }
}
