using MusicCluster.Music.Models;
using MusicCluster.Music.Tokens;
using MusicCluster.Music.Training;

namespace MusicCluster.Music.Harmony;

/// <summary>Where sampling of chosen grid cells ended: the tokens (start token first), each bar's critic choice, whether every cell was written.</summary>
public sealed record SampledCells(int[] Tokens, IReadOnlyList<GuidedBar> Bars, bool Complete);

/// <summary>
/// Samples the free cells of a grid (<see cref="GridCellsConstraint"/>) in one process, for harmonisation and
/// regeneration alike: without a critic (or with one candidate) in one pass to the last step; with one, bar by bar as
/// <see cref="CriticGuidance"/> defines, each bar's candidates scored together by <c>score</c>.
/// </summary>
public static class BarByBarSampling
{
    /// <param name="score">Raw critic scores of candidates read as chorale tokens (the last bar's window); null samples plainly.</param>
    public static SampledCells Run(TransformerGenerator model, GridRewrite rewrite, SamplingOptions options, int candidates,
        Func<IReadOnlyList<IReadOnlyList<int>>, double[]>? score, Action<GuidedBar>? onBar = null, Action<int>? onToken = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rewrite);
        CriticGuidance.CheckCandidates(candidates);
        var (primer, barEnds) = (rewrite.Primer, rewrite.BarEnds);
        int TokensTo(int step) => 1 + rewrite.Layout.CellsThrough(step);
        var melody = rewrite.MelodyFor(model);
        if (score is null || candidates == 1)
        {
            var sampled = Sampler.Sample(model, primer, options with { MaxNewTokens = TokensTo(barEnds[^1]) - primer.Length + 1 },
                rewrite.ConstraintUntil(barEnds[^1]), onToken, cancellation, melody);
            return new SampledCells(sampled.Tokens.ToArray(), [], sampled.StopReason == StopReason.Complete);
        }
        int[] prefix = primer;
        var bars = new List<GuidedBar>();
        for (int bar = 0; bar < barEnds.Count; bar++)
        {
            int until = barEnds[bar];
            var primers = Enumerable.Repeat<IReadOnlyList<int>>(prefix, candidates).ToList();
            var constraints = Enumerable.Range(0, candidates).Select(_ => (ITokenConstraint?)rewrite.ConstraintUntil(until)).ToList();
            var sampled = Sampler.SampleBatch(model, primers,
                options with { MaxNewTokens = TokensTo(until) - prefix.Length + 1, Seed = CriticGuidance.BarSeed(options.Seed, bar) },
                constraints, cancellation: cancellation, melodies: Enumerable.Repeat(melody, candidates).ToList());
            double[] scores = score(sampled.Select(s => (IReadOnlyList<int>)rewrite.CandidateForCritic(s.Tokens)).ToList());
            int best = CriticGuidance.Best(scores);
            var guided = new GuidedBar(bar, best, scores);
            bars.Add(guided);
            onBar?.Invoke(guided);
            var chosen = sampled[best].Tokens;
            if (onToken is not null)
                for (int i = prefix.Length; i < chosen.Count; i++) onToken(chosen[i]);
            prefix = chosen.ToArray();
            if (sampled[best].StopReason != StopReason.Complete) return new SampledCells(prefix, bars, false);
        }
        return new SampledCells(prefix, bars, true);
    }

    /// <summary>The step after each 16-step bar from <paramref name="fromStep"/> to <paramref name="toStep"/> (the last one cut there).</summary>
    public static IReadOnlyList<int> BarEnds(int fromStep, int toStep, int stepsPerBar = 16)
    {
        var ends = new List<int>();
        for (int end = fromStep + stepsPerBar; ; end += stepsPerBar)
        {
            ends.Add(Math.Min(end, toStep));
            if (end >= toStep) return ends;
        }
    }
}
