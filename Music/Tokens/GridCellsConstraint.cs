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
        if (fixedCells.Count % ChoraleGrid.Voices != 0) throw new ArgumentException($"{fixedCells.Count} cells are not whole steps of {ChoraleGrid.Voices} voices", nameof(fixedCells));
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
    }

    public bool IsComplete(ReadOnlySpan<int> tokens)
    {
        int begin = tokens.IndexOf(JsbGridTokenizer.BeginId);
        return begin >= 0 && tokens.Length - begin - 1 >= layout.CellsThrough(untilStep);
    }
}
