using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Tokens;

/// <summary>
/// Four voices (soprano, alto, tenor, bass) on a 16th-note grid, as in the JSB Chorales data: per step one MIDI
/// pitch per voice, or <see cref="Silent"/>. Held and re-struck notes are not distinguished.
/// </summary>
public sealed class ChoraleGrid : IEquatable<ChoraleGrid>
{
    public const int Voices = 4;
    public const int Silent = -1;
    public static readonly string[] VoiceNames = ["Soprano", "Alto", "Tenor", "Bass"];

    private readonly int[] _cells;

    /// <summary>A grid from steps of exactly four values each: a MIDI pitch 0-127 or -1.</summary>
    public ChoraleGrid(IEnumerable<IReadOnlyList<int>> steps)
    {
        var cells = new List<int>();
        int step = 0;
        foreach (var values in steps)
        {
            if (values.Count != Voices) throw new ArgumentException($"Step {step} has {values.Count} voices; a chorale step has {Voices}", nameof(steps));
            for (int voice = 0; voice < Voices; voice++) cells.Add(CheckPitch(values[voice], step, voice));
            step++;
        }
        _cells = cells.ToArray();
    }

    private ChoraleGrid(int[] cells) => _cells = cells;

    /// <summary>A grid from cells in raster order (step-major: S,A,T,B of step 0, then of step 1...).</summary>
    public static ChoraleGrid FromRaster(ReadOnlySpan<int> cells)
    {
        if (cells.Length % Voices != 0) throw new ArgumentException($"{cells.Length} cells are not whole steps of {Voices} voices", nameof(cells));
        for (int i = 0; i < cells.Length; i++) CheckPitch(cells[i], i / Voices, i % Voices);
        return new ChoraleGrid(cells.ToArray());
    }

    public int Steps => _cells.Length / Voices;

    public int this[int step, int voice] => _cells[step * Voices + voice];

    /// <summary>The cells in raster order, the order the Music Transformer paper serializes them.</summary>
    public ReadOnlySpan<int> Raster => _cells;

    public IEnumerable<int[]> StepValues()
    {
        for (int step = 0; step < Steps; step++) yield return _cells.AsSpan(step * Voices, Voices).ToArray();
    }

    /// <summary>The grid moved by semitones; null when a pitch would leave 0-127. Silence stays silent.</summary>
    public ChoraleGrid? Transpose(int semitones)
    {
        var cells = new int[_cells.Length];
        for (int i = 0; i < cells.Length; i++)
        {
            if (_cells[i] == Silent) { cells[i] = Silent; continue; }
            int pitch = _cells[i] + semitones;
            if (pitch is < 0 or > 127) return null;
            cells[i] = pitch;
        }
        return new ChoraleGrid(cells);
    }

    /// <summary>
    /// The grid as a piece: one track per voice (channels 0-3), consecutive equal pitches of a voice merged into one
    /// note, 4/4 at tick 0. <paramref name="stepsPerQuarter"/> is 4 for the 16th-note grid.
    /// </summary>
    public Piece ToPiece(int ticksPerQuarter = Piece.DefaultTicksPerQuarter, int stepsPerQuarter = 4, int velocity = 80, int program = 52)
    {
        if (ticksPerQuarter <= 0 || ticksPerQuarter % stepsPerQuarter != 0)
            throw new ArgumentOutOfRangeException(nameof(ticksPerQuarter), ticksPerQuarter, $"must be a positive multiple of {stepsPerQuarter}");
        long ticksPerStep = ticksPerQuarter / stepsPerQuarter;
        var notes = new List<Note>();
        for (int voice = 0; voice < Voices; voice++)
        {
            for (int step = 0; step < Steps;)
            {
                int pitch = this[step, voice];
                int end = step + 1;
                while (end < Steps && this[end, voice] == pitch) end++;
                if (pitch != Silent) notes.Add(new Note(pitch, step * ticksPerStep, (end - step) * ticksPerStep, velocity, voice, voice));
                step = end;
            }
        }
        return PieceBuilder.Normalize(new Piece
        {
            TicksPerQuarter = ticksPerQuarter,
            Notes = notes,
            TimeSignatures = [new TimeSignature(0, 4, 4)],
            Tracks = Enumerable.Range(0, Voices).Select(v => new TrackInfo(v, VoiceNames[v], program, v)).ToList(),
        });
    }

    /// <summary>
    /// The grid of a four-voice piece: voice = note track (0-3), onsets and ends rounded to the grid. A voice with two
    /// notes sounding in one step, or a track outside 0-3, throws. <paramref name="steps"/> defaults to the end of the
    /// last note (trailing silence is not part of a piece).
    /// </summary>
    public static ChoraleGrid FromPiece(Piece piece, int stepsPerQuarter = 4, int? steps = null)
    {
        if (piece.TicksPerQuarter <= 0) throw new ArgumentException($"Ticks per quarter must be positive, not {piece.TicksPerQuarter}", nameof(piece));
        long ToStep(long tick) => (long)Math.Round(tick * (double)stepsPerQuarter / piece.TicksPerQuarter, MidpointRounding.AwayFromZero);
        long length = steps ?? (piece.Notes.Count == 0 ? 0 : piece.Notes.Max(n => ToStep(n.End)));
        if (length > 1_000_000) throw new ArgumentException($"The piece is {length} grid steps long, more than a chorale grid holds", nameof(piece));
        var cells = Enumerable.Repeat(Silent, (int)length * Voices).ToArray();
        foreach (var note in piece.Notes)
        {
            if (note.Track is < 0 or >= Voices) throw new ArgumentException($"Note on track {note.Track}: a chorale has tracks 0-3 (S, A, T, B)", nameof(piece));
            for (long step = ToStep(note.Start); step < Math.Min(length, ToStep(note.End)); step++)
            {
                ref int cell = ref cells[step * Voices + note.Track];
                if (cell != Silent)
                    throw new ArgumentException($"{VoiceNames[note.Track]} has two notes ({cell} and {note.Pitch}) at step {step}: a voice sounds one note at a time",
                        nameof(piece));
                cell = CheckPitch(note.Pitch, (int)step, note.Track);
            }
        }
        return new ChoraleGrid(cells);
    }

    private static int CheckPitch(int value, int step, int voice) => value is Silent or (>= 0 and <= 127)
        ? value
        : throw new ArgumentOutOfRangeException(nameof(value), value, $"Step {step}, {VoiceNames[voice]}: a pitch is 0-127 or {Silent} (silent)");

    public bool Equals(ChoraleGrid? other) => other is not null && _cells.AsSpan().SequenceEqual(other._cells);

    public override bool Equals(object? obj) => Equals(obj as ChoraleGrid);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_cells.AsSpan()));
        return hash.ToHashCode();
    }
}
