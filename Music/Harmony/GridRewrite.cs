using MusicCluster.Music.Models;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Harmony;

/// <summary>
/// What a rewriting of grid cells samples and how its candidates read as chorales, for harmonisation and regeneration
/// alike, so the CLI (<see cref="BarByBarSampling"/>) and the silos' sessions run the same thing.
/// </summary>
/// <param name="Layout">The serialization the sampling model reads.</param>
/// <param name="Primer">The tokens every candidate starts from (start token first).</param>
/// <param name="BarEnds">The step after each bar to write, ascending.</param>
/// <param name="ConstraintUntil">The constraint that completes a candidate at a given step.</param>
/// <param name="CandidateForCritic">Sampled tokens as chorale grid tokens whose last window judges the candidate.</param>
/// <param name="WrittenGrid">Sampled tokens as the piece's grid so far, kept cells included, in the piece's step order.</param>
/// <param name="FinalGrid">Sampled tokens of a finished rewriting as the whole piece's grid.</param>
/// <param name="Assemble">The whole grid as the finished piece (kept notes exactly as they were).</param>
public sealed record GridRewrite(
    IGridTokenizer Layout,
    int[] Primer,
    IReadOnlyList<int> BarEnds,
    Func<int, ITokenConstraint> ConstraintUntil,
    Func<IReadOnlyList<int>, int[]> CandidateForCritic,
    Func<IReadOnlyList<int>, ChoraleGrid> WrittenGrid,
    Func<IReadOnlyList<int>, ChoraleGrid> FinalGrid,
    Func<ChoraleGrid, Piece> Assemble)
{
    /// <summary>The soprano of the whole piece as grid cell tokens when it is kept (null when it is rewritten): what a harmony model's melody encoder reads.</summary>
    public IReadOnlyList<int>? Melody { get; init; }

    /// <summary>What <paramref name="model"/> reads besides its tokens: the kept melody when it has a melody encoder, else nothing.</summary>
    public MelodyConditioning? MelodyFor(TransformerGenerator model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!model.HasMelodyEncoder) return null;
        if (Melody is null) throw new ArgumentException("this rewriting changes the soprano; a model with a melody encoder needs the soprano kept");
        return MelodyConditioning.ForMelody(Layout, Melody, 1 + Layout.CellsThrough(Melody.Count));
    }

    /// <summary>Chorale grid tokens (start token first) of a grid.</summary>
    public static int[] ChoraleTokens(ChoraleGrid grid) => [JsbGridTokenizer.BeginId, .. new JsbGridTokenizer().EncodeGrid(grid)];

    /// <summary>
    /// Harmonising a melody: its lower voices written bar by bar under it, with the harmony serialization (the melody
    /// read whole through its encoder) or, given the chorale grid as <paramref name="layout"/>, by a chorale model that reads the
    /// melody only up to the step it writes (the baseline the harmony model is measured against).
    /// </summary>
    public static GridRewrite Harmonisation(SopranoMelody melody, ChoraleRules? rules = null, IGridTokenizer? layout = null)
    {
        ArgumentNullException.ThrowIfNull(melody);
        var cells = layout ?? new JsbHarmonyTokenizer();
        ChoraleGrid Written(IReadOnlyList<int> tokens) => cells.DecodeWholeSteps(tokens.Skip(1).ToArray());
        return new GridRewrite(cells, [JsbGridTokenizer.BeginId], BarByBarSampling.BarEnds(0, melody.Steps),
            until => GridCellsConstraint.ForMelody(melody.Cells, until, rules, cells),
            tokens => ChoraleTokens(Written(tokens)), Written, Written, grid => Harmoniser.Assemble(melody, grid))
        {
            Melody = melody.Cells.Select(JsbGridTokenizer.IdOfCell).ToArray(),
        };
    }

    /// <summary>Rewriting the bars and voices of a plan; the last bar's candidates are judged with the kept bar after them.</summary>
    public static GridRewrite Regeneration(RegenerationPlan plan, ChoraleRules? rules = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ChoraleGrid Sampled(IReadOnlyList<int> tokens) => plan.Layout.DecodeWholeSteps(tokens.Skip(1).ToArray());
        return new GridRewrite(plan.Layout, plan.Primer(), BarByBarSampling.BarEnds(plan.FromStep, plan.ToStep),
            until => new GridCellsConstraint(plan.Layout, plan.FixedCells, until, rules),
            tokens => Regenerator.CandidateForCritic(plan, tokens),
            tokens => plan.MergeWritten(Sampled(tokens)),
            tokens => plan.Merge(Sampled(tokens)),
            plan.Assemble)
        {
            Melody = plan.Voices.Contains(0) ? null : Enumerable.Range(0, plan.Grid.Steps).Select(step => JsbGridTokenizer.IdOfCell(plan.Grid[step, 0])).ToArray(),
        };
    }
}
