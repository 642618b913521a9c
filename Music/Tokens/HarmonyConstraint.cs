using MusicCluster.Music.Models;

namespace MusicCluster.Music.Tokens;

/// <summary>
/// Harmonises a given soprano with a <see cref="JsbHarmonyTokenizer"/> model: after the start token every soprano
/// cell is the melody's (Silent past its end), so the melody is kept exactly, and alto, tenor and bass are sampled
/// under <see cref="ChoraleRules"/> against the soprano and each other, as the chorale grid's lower voices are.
/// Complete once the lower voices of <c>untilStep</c> steps are written.
/// </summary>
public sealed class HarmonyConstraint : ITokenConstraint
{
    private readonly int[] soprano;
    private readonly int untilStep;
    private readonly ChoraleRules rules;

    /// <param name="soprano">The melody's cell per 16th step: a MIDI pitch or <see cref="ChoraleGrid.Silent"/>.</param>
    /// <param name="untilStep">Steps to complete (at most the melody's length): bar by bar for critic guidance.</param>
    public HarmonyConstraint(IReadOnlyList<int> soprano, int untilStep, ChoraleRules? rules = null)
    {
        ArgumentNullException.ThrowIfNull(soprano);
        ArgumentOutOfRangeException.ThrowIfLessThan(untilStep, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(untilStep, soprano.Count);
        this.soprano = soprano.ToArray();
        this.untilStep = untilStep;
        this.rules = rules ?? ChoraleRules.Default;
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
        var (step, voice) = JsbHarmonyTokenizer.CellAt(cells.Length);
        if (voice == 0)
        {
            allowed[JsbGridTokenizer.IdOfCell(step < soprano.Length ? soprano[step] : ChoraleGrid.Silent)] = true;
            return;
        }
        // The rules read the cells of the previous step and of this one so far, in raster order.
        Span<int> raster = stackalloc int[2 * ChoraleGrid.Voices];
        int count = 0;
        if (step > 0)
            for (int v = 0; v < ChoraleGrid.Voices; v++) raster[count++] = cells[JsbHarmonyTokenizer.IndexOf(step - 1, v)];
        for (int v = 0; v < voice; v++) raster[count++] = cells[JsbHarmonyTokenizer.IndexOf(step, v)];
        rules.FillAllowed(raster[..count], allowed);
    }

    public bool IsComplete(ReadOnlySpan<int> tokens)
    {
        int begin = tokens.IndexOf(JsbGridTokenizer.BeginId);
        return begin >= 0 && tokens.Length - begin - 1 >= JsbHarmonyTokenizer.IndexOf(untilStep - 1, ChoraleGrid.Voices - 1) + 1;
    }
}
