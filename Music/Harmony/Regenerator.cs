using MusicCluster.Music.Models;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Tokens;
using MusicCluster.Music.Training;

namespace MusicCluster.Music.Harmony;

/// <summary>A piece with some bars rewritten: the new piece, its grid, each bar's critic choice, whether every bar was written.</summary>
public sealed record RegeneratedPiece(Piece Piece, ChoraleGrid Grid, IReadOnlyList<GuidedBar> Bars, bool Complete);

/// <summary>
/// Rewrites the bars and voices of a <see cref="RegenerationPlan"/> in one process: the chorale model when the soprano
/// is rewritten, the harmony model otherwise (its encoder reads the whole kept soprano). With a critic, each bar is the
/// best of the candidates; the last bar's candidates are scored together with the kept bar after them, so the
/// passage is chosen for how it joins what follows as well as what comes before.
/// </summary>
public static class Regenerator
{
    public static RegeneratedPiece Regenerate(TransformerGenerator model, Vocabulary vocabulary, RegenerationPlan plan, SamplingOptions options,
        int candidates = 1, CriticWindowScorer? critic = null, ChoraleRules? rules = null, Action<GuidedBar>? onBar = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(plan);
        if (vocabulary.Kind != plan.Layout.Vocabulary.Kind || model.Config.VocabSize != vocabulary.Count)
            throw new ArgumentException(plan.UsesHarmonyModel
                ? $"model: rewriting the lower voices under a kept soprano needs the harmony model ({JsbHarmonyTokenizer.Kind}), not one of {vocabulary.Kind}"
                : $"model: rewriting the soprano needs a chorale model ({JsbGridTokenizer.Kind}), not one of {vocabulary.Kind}", nameof(vocabulary));
        var rewrite = GridRewrite.Regeneration(plan, rules);
        var sampled = BarByBarSampling.Run(model, rewrite, options, candidates, critic is null ? null : critic.ScoreLastBars, onBar, cancellation: cancellation);
        var written = plan.Layout.DecodeWholeSteps(sampled.Tokens.AsSpan(1));
        if (written.Steps < plan.ToStep) return new RegeneratedPiece(plan.Piece, plan.Grid, sampled.Bars, false);
        var merged = plan.Merge(written);
        return new RegeneratedPiece(rewrite.Assemble(merged), merged, sampled.Bars, sampled.Complete);
    }

    /// <summary>
    /// A candidate as the critic reads it: chorale grid tokens of its steps, and when it ends the passage before the
    /// piece does, the kept bar that follows (its last window is then the join).
    /// </summary>
    public static int[] CandidateForCritic(RegenerationPlan plan, IReadOnlyList<int> tokens)
    {
        var written = plan.Layout.DecodeWholeSteps(tokens.Skip(1).ToArray());
        var cells = written.Raster.ToArray().ToList();
        if (written.Steps == plan.ToStep && plan.ToStep < plan.Grid.Steps)
        {
            int next = Math.Min(plan.Grid.Steps, plan.ToStep + RegenerationPlan.StepsPerBar);
            cells.AddRange(plan.Grid.Raster[(plan.ToStep * ChoraleGrid.Voices)..(next * ChoraleGrid.Voices)].ToArray());
        }
        return GridRewrite.ChoraleTokens(ChoraleGrid.FromRaster(cells.ToArray()));
    }
}
