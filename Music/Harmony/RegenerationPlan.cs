using MusicCluster.Music.Pieces;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Harmony;

/// <summary>
/// Rewriting some bars of a four-part piece in all voices or chosen ones, the rest kept: which cells are sampled,
/// which serialization samples them (the chorale grid when the soprano is rewritten, else the harmony serialization,
/// which reads the melody ahead), and how the new cells become notes beside the kept ones. Bars are numbered from 1,
/// as a musician counts them, inclusive.
/// </summary>
public sealed class RegenerationPlan
{
    public const int StepsPerBar = 16;

    private RegenerationPlan(Piece piece, ChoraleGrid grid, int fromBar, int toBar, IReadOnlyList<int> voices)
    {
        Piece = piece;
        Grid = grid;
        FromBar = fromBar;
        ToBar = toBar;
        Voices = voices;
        FromStep = (fromBar - 1) * StepsPerBar;
        ToStep = Math.Min(grid.Steps, toBar * StepsPerBar);
        Layout = voices.Contains(0) ? new JsbGridTokenizer() : new JsbHarmonyTokenizer();
        var cells = new int?[grid.Steps * ChoraleGrid.Voices];
        for (int step = 0; step < grid.Steps; step++)
            for (int voice = 0; voice < ChoraleGrid.Voices; voice++)
                cells[step * ChoraleGrid.Voices + voice] = IsRewritten(step, voice) ? null : grid[step, voice];
        FixedCells = cells;
    }

    public Piece Piece { get; }
    public ChoraleGrid Grid { get; }
    public int FromBar { get; }
    public int ToBar { get; }

    /// <summary>Voices rewritten, 0-3 (soprano, alto, tenor, bass), ascending.</summary>
    public IReadOnlyList<int> Voices { get; }

    public int FromStep { get; }

    /// <summary>The step after the last rewritten one.</summary>
    public int ToStep { get; }

    /// <summary>The serialization that samples: its model must be the chorale model (grid) or the harmony model.</summary>
    public IGridTokenizer Layout { get; }

    public bool UsesHarmonyModel => Layout is JsbHarmonyTokenizer;

    /// <summary>Per cell (raster order): the pitch kept, or null where it is sampled.</summary>
    public IReadOnlyList<int?> FixedCells { get; }

    public bool IsRewritten(int step, int voice) => step >= FromStep && step < ToStep && Voices.Contains(voice);

    /// <summary>Parses voice names (soprano, alto, tenor, bass; any case; S, A, T, B too); null or empty: all four.</summary>
    public static IReadOnlyList<int> ParseVoices(IReadOnlyList<string>? names)
    {
        if (names is null || names.Count == 0) return [0, 1, 2, 3];
        var voices = new SortedSet<int>();
        foreach (string name in names)
        {
            int voice = Array.FindIndex(ChoraleGrid.VoiceNames, v => string.Equals(v, name?.Trim(), StringComparison.OrdinalIgnoreCase)
                || string.Equals(v[..1], name?.Trim(), StringComparison.OrdinalIgnoreCase));
            if (voice < 0) throw new ArgumentException($"voices: '{name}' is not a voice; choose among " +
                $"{string.Join(", ", ChoraleGrid.VoiceNames.Select(v => v.ToLowerInvariant()))}");
            voices.Add(voice);
        }
        return voices.ToArray();
    }

    /// <summary>
    /// The plan for bars <paramref name="fromBar"/>-<paramref name="toBar"/> of a four-part piece; an ArgumentException
    /// names the field that is wrong (a piece that is not four voices one note at a time, bars outside it).
    /// </summary>
    public static RegenerationPlan For(Piece piece, int fromBar, int toBar, IReadOnlyList<int> voices)
    {
        ArgumentNullException.ThrowIfNull(piece);
        ArgumentNullException.ThrowIfNull(voices);
        if (piece.TimeSignatures.Any(t => t.Numerator != 4 || t.Denominator != 4))
            throw new ArgumentException("piece: regeneration reads bars of 4/4, and this piece has other time signatures");
        if (piece.TicksPerQuarter <= 0 || piece.TicksPerQuarter % 4 != 0)
            throw new ArgumentException($"piece: its ticks per quarter note ({piece.TicksPerQuarter}) do not divide into 16th notes");
        if (piece.Notes.Count == 0 || piece.Notes.Any(n => n.Track is < 0 or >= ChoraleGrid.Voices))
            throw new ArgumentException("piece: regeneration rewrites four-part pieces (soprano, alto, tenor and bass on tracks 1-4); this one is not");
        ChoraleGrid grid;
        try
        {
            grid = ChoraleGrid.FromPiece(piece);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"piece: regeneration rewrites four voices of one note at a time: {e.Message}");
        }
        int bars = (grid.Steps + StepsPerBar - 1) / StepsPerBar;
        if (fromBar < 1 || fromBar > bars) throw new ArgumentException($"fromBar: the piece has bars 1-{bars}, not {fromBar}");
        if (toBar < fromBar || toBar > bars) throw new ArgumentException($"toBar: must be from fromBar ({fromBar}) to the last bar ({bars}), not {toBar}");
        if (voices.Count == 0 || voices.Any(v => v is < 0 or >= ChoraleGrid.Voices) || voices.Distinct().Count() != voices.Count)
            throw new ArgumentException("voices: give distinct voices among soprano, alto, tenor and bass");
        return new RegenerationPlan(piece, grid, fromBar, toBar, voices.Order().ToArray());
    }

    /// <summary>The tokens every candidate starts from: the start token and the cells before the first rewritten one.</summary>
    public int[] Primer()
    {
        int[] all = Layout.EncodeGrid(Grid);
        int first = 0;
        while (first < all.Length)
        {
            var (step, voice) = Layout.CellAt(first);
            if (step < Grid.Steps && IsRewritten(step, voice)) break;
            first++;
        }
        return [JsbGridTokenizer.BeginId, .. all.AsSpan(0, first)];
    }

    /// <summary>
    /// The grid with the rewritten cells taken from <paramref name="sampled"/> (a grid of at least <see cref="ToStep"/>
    /// steps), every other cell as it was.
    /// </summary>
    public ChoraleGrid Merge(ChoraleGrid sampled)
    {
        ArgumentNullException.ThrowIfNull(sampled);
        if (sampled.Steps < ToStep) throw new ArgumentException($"the sampled grid has {sampled.Steps} steps, fewer than the {ToStep} rewritten", nameof(sampled));
        var cells = Grid.Raster.ToArray();
        for (int step = FromStep; step < ToStep; step++)
            foreach (int voice in Voices) cells[step * ChoraleGrid.Voices + voice] = sampled[step, voice];
        return ChoraleGrid.FromRaster(cells);
    }

    /// <summary>The steps <paramref name="sampled"/> has written so far, its rewritten cells merged into the piece's.</summary>
    public ChoraleGrid MergeWritten(ChoraleGrid sampled)
    {
        ArgumentNullException.ThrowIfNull(sampled);
        int steps = Math.Min(sampled.Steps, Grid.Steps);
        var cells = Grid.Raster[..(steps * ChoraleGrid.Voices)].ToArray();
        for (int step = FromStep; step < Math.Min(steps, ToStep); step++)
            foreach (int voice in Voices) cells[step * ChoraleGrid.Voices + voice] = sampled[step, voice];
        return ChoraleGrid.FromRaster(cells);
    }

    /// <summary>
    /// The new piece: every note of a kept voice, and every note of a rewritten voice outside the bars, as it was
    /// (a note held into or out of the bars keeps its part outside them); the rewritten cells as notes.
    /// </summary>
    public Piece Assemble(ChoraleGrid merged)
    {
        long ticksPerStep = Piece.TicksPerQuarter / 4;
        long fromTick = FromStep * ticksPerStep, toTick = ToStep * ticksPerStep;
        var notes = new List<Note>();
        foreach (var note in Piece.Notes)
        {
            if (!Voices.Contains(note.Track) || note.End <= fromTick || note.Start >= toTick)
            {
                notes.Add(note);
                continue;
            }
            if (note.Start < fromTick) notes.Add(note with { Duration = fromTick - note.Start });
            if (note.End > toTick) notes.Add(note with { Start = toTick, Duration = note.End - toTick });
        }
        foreach (int voice in Voices)
        {
            var template = Piece.Notes.FirstOrDefault(n => n.Track == voice);
            for (int step = FromStep; step < ToStep;)
            {
                int pitch = merged[step, voice], end = step + 1;
                while (end < ToStep && merged[end, voice] == pitch) end++;
                if (pitch != ChoraleGrid.Silent)
                    notes.Add(new Note(pitch, step * ticksPerStep, (end - step) * ticksPerStep, template?.Velocity ?? 80, voice, template?.Channel ?? voice));
                step = end;
            }
        }
        return PieceBuilder.Normalize(Piece with { Notes = notes });
    }
}
