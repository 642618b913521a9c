using MusicCluster.Music.Models;

namespace MusicCluster.Music.Tokens;

/// <summary>
/// Samples some cells of a chorale grid and keeps the others: a fixed cell's token is the only one allowed (so a
/// melody or the bars around a passage stay exactly as they are), a free cell is a pitch that
/// <see cref="ChoraleRules"/> allow against the cells before it. Any serialization of the grid
/// (<see cref="IGridTokenizer"/>) works: the chorale grid for a passage in all voices, the harmony serialization for a
/// melody's lower voices. A cell of a step past the fixed grid is silent (the soprano a harmony sequence reads ahead
/// past the melody's end). Complete once every cell of the first <c>untilStep</c> steps is written.
/// </summary>
public sealed class GridCellsConstraint : ITokenConstraint
{
    private readonly IGridTokenizer layout;
    private readonly int?[] fixedCells;
    private readonly int steps;
    private readonly int untilStep;
    private readonly ChoraleRules rules;

    /// <param name="fixedCells">Per cell in raster order (step-major, S A T B): the MIDI pitch or Silent it keeps, or null to sample it.</param>
    public GridCellsConstraint(IGridTokenizer layout, IReadOnlyList<int?> fixedCells, int untilStep, ChoraleRules? rules = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(fixedCells);
        if (fixedCells.Count % ChoraleGrid.Voices != 0) throw new ArgumentException($"{fixedCells.Count} cells are not whole steps of {ChoraleGrid.Voices} voices",
            nameof(fixedCells));
        steps = fixedCells.Count / ChoraleGrid.Voices;
        ArgumentOutOfRangeException.ThrowIfLessThan(untilStep, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(untilStep, steps);
        this.layout = layout;
        this.fixedCells = fixedCells.ToArray();
        this.untilStep = untilStep;
        this.rules = rules ?? ChoraleRules.Default;
    }

    /// <summary>Harmonising a melody: every soprano cell fixed to the melody's, the lower voices free (harmony serialization unless another is given).</summary>
    public static GridCellsConstraint ForMelody(IReadOnlyList<int> soprano, int untilStep, ChoraleRules? rules = null, IGridTokenizer? layout = null)
    {
        ArgumentNullException.ThrowIfNull(soprano);
        var cells = new int?[soprano.Count * ChoraleGrid.Voices];
        for (int step = 0; step < soprano.Count; step++) cells[step * ChoraleGrid.Voices] = soprano[step];
        return new GridCellsConstraint(layout ?? new JsbHarmonyTokenizer(), cells, untilStep, rules);
    }

    public void FillAllowed(ReadOnlySpan<int> tokens, Span<bool> allowed)
    {
        int begin = tokens.IndexOf(JsbGridTokenizer.BeginId);
        if (begin < 0)
        {
            allowed[JsbGridTokenizer.BeginId] = true;
            return;
        }
        var cells = tokens[(begin + 1)..];
        var (step, voice) = layout.CellAt(cells.Length);
        int? keep = step < steps ? fixedCells[step * ChoraleGrid.Voices + voice] : ChoraleGrid.Silent;
        if (keep is int cell)
        {
            allowed[JsbGridTokenizer.IdOfCell(cell)] = true;
            return;
        }
        // The rules read the cells of the previous step and of this one so far, in raster order.
        Span<int> raster = stackalloc int[2 * ChoraleGrid.Voices];
        int count = 0;
        if (step > 0)
            for (int v = 0; v < ChoraleGrid.Voices; v++) raster[count++] = cells[layout.IndexOf(step - 1, v)];
        for (int v = 0; v < voice; v++) raster[count++] = cells[layout.IndexOf(step, v)];
        rules.FillAllowed(raster[..count], allowed);
        PreferWhatKeptCellsFollow(raster[..count], step, voice, allowed);
    }

    /// <summary>
    /// A sampled cell with kept cells after it in its step or the next (a passage rewritten in some voices, or ending
    /// before kept bars): of the pitches the rules allow, only those that the kept cells follow cleanly (no crossing,
    /// no parallels: what the rules would have required of them had they been sampled after it), when there are any.
    /// </summary>
    private void PreferWhatKeptCellsFollow(ReadOnlySpan<int> before, int step, int voice, Span<bool> allowed)
    {
        Span<int> raster = stackalloc int[3 * ChoraleGrid.Voices];
        before.CopyTo(raster);
        int candidateAt = before.Length;
        Span<bool> clean = stackalloc bool[allowed.Length];
        int total = 0, kept = 0;
        for (int id = 0; id < allowed.Length; id++)
        {
            if (!allowed[id]) continue;
            total++;
            raster[candidateAt] = id;
            if (KeptCellsFollow(raster, candidateAt + 1, step, voice)) { clean[id] = true; kept++; }
        }
        if (kept == 0 || kept == total) return;
        for (int id = 0; id < allowed.Length; id++) allowed[id] &= clean[id];
    }

    /// <summary>
    /// Whether every kept cell after (step, voice), up to the first sampled one and at most to the end of the next step,
    /// follows the candidate (at raster[length - 1]) without crossing it or moving in parallels with it. Kept cells
    /// are not checked against each other: what was kept stays as it was.
    /// </summary>
    private bool KeptCellsFollow(Span<int> raster, int length, int step, int voice)
    {
        int candidate = length - 1;
        for (int s = step, v = voice + 1; s <= step + 1 && s < steps; v++)
        {
            if (v == ChoraleGrid.Voices) { s++; v = -1; continue; }
            if (fixedCells[s * ChoraleGrid.Voices + v] is not int cell) return true;
            int stepStart = length - v;
            for (int upper = 0; upper < v; upper++)
            {
                // The pair (upper, v) involves the candidate as the upper voice now, or as either voice a step before.
                bool involved = stepStart + upper == candidate || stepStart - ChoraleGrid.Voices + upper == candidate || stepStart - ChoraleGrid.Voices + v == candidate;
                if (involved && rules.Conflicts(raster[..length], cell, upper)) return false;
            }
            raster[length++] = JsbGridTokenizer.IdOfCell(cell);
        }
        return true;
    }

    public bool IsComplete(ReadOnlySpan<int> tokens)
    {
        int begin = tokens.IndexOf(JsbGridTokenizer.BeginId);
        return begin >= 0 && tokens.Length - begin - 1 >= layout.CellsThrough(untilStep);
    }
}
