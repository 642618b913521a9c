using MusicCluster.Music.Harmony;
using MusicCluster.Music.Models;
using MusicCluster.Music.Tokens;
using MusicCluster.Music.Training;
using MusicPieceScore = MusicCluster.Music.Scoring.PieceScore;

namespace MusicCluster.Grains.Inference;

/// <summary>
/// A harmonisation or regeneration on a silo (<see cref="GridRewrite"/>): bar by bar, <c>candidates</c> continuations
/// run as jobs of the sampling model's worker (the harmony model, or the chorale model when the soprano is rewritten),
/// the chorale model's worker scores them read as chorales, and the best is kept (with one candidate it is kept
/// as it is). Progress is reported in chorale grid tokens, so the session shows notes and bar scores as for any
/// chorale: the piece so far, kept cells included, one update per bar, the kept bars after the passage at the end.
/// </summary>
public sealed class RewritingRun : BarByBarRun
{
    private RewritingRun()
    {
    }

    /// <param name="sampler">The worker of the model the rewrite's layout is for.</param>
    /// <param name="critic">The chorale model's worker with a calibrated critic; null: one candidate, no bar scores.</param>
    public static RewritingRun Start(ModelWorker sampler, ModelWorker? critic, GridRewrite rewrite, SamplingOptions options, int candidates,
        CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(rewrite);
        CriticGuidance.CheckCandidates(candidates);
        if (sampler.Model.Vocabulary.Kind != rewrite.Layout.Vocabulary.Kind)
            throw new ArgumentException($"model: {sampler.Model.Ref} reads {sampler.Model.Vocabulary.Kind} tokens, this rewriting needs {rewrite.Layout.Vocabulary.Kind}");
        if (critic?.Model.Scorer is null && candidates > 1)
            throw new ArgumentException("candidates: no calibrated chorale critic to choose among candidates; use 1");
        var run = new RewritingRun();
        _ = Task.Run(() => run.RunAsync(sampler, critic?.Model.Scorer is null ? null : critic, rewrite, options, candidates, cancellation), CancellationToken.None);
        return run;
    }

    private async Task RunAsync(ModelWorker sampler, ModelWorker? critic, GridRewrite rewrite, SamplingOptions options, int candidates, CancellationToken cancellation)
    {
        try
        {
            int[] prefix = rewrite.Primer;
            var melody = rewrite.MelodyFor(sampler.Model.Generator);
            int emittedCells = 0, reportedBars = 0;
            MusicPieceScore? score = null;
            bool complete = true;
            for (int bar = 0; bar < rewrite.BarEnds.Count && complete; bar++)
            {
                cancellation.ThrowIfCancellationRequested();
                int until = rewrite.BarEnds[bar];
                var seeded = options with
                {
                    Seed = CriticGuidance.BarSeed(options.Seed, bar),
                    MaxNewTokens = 1 + rewrite.Layout.CellsThrough(until) - prefix.Length + 1,
                };
                var jobs = Enumerable.Range(0, candidates)
                    .Select(i => sampler.Generate(prefix, seeded, rewrite.ConstraintUntil(until), cancellation, stream: i, liveScore: false, melody: melody)).ToList();
                GenerationOutcome[] outcomes = await Task.WhenAll(jobs.Select(j => j.Completion));
                int best = 0;
                if (candidates > 1)
                {
                    MusicPieceScore[] scores = await Task.WhenAll(outcomes.Select(o => critic!.ScoreAsync(rewrite.CandidateForCritic(o.Sequence.Tokens))));
                    best = CriticGuidance.Best(scores.Select(s => s.RawBars[^1]).ToArray());
                }
                SampledSequence chosen = outcomes[best].Sequence;
                complete = chosen.StopReason == StopReason.Complete;
                prefix = chosen.Tokens.ToArray();

                int[] written = GridRewrite.ChoraleTokens(rewrite.WrittenGrid(prefix));
                IReadOnlyList<Music.Scoring.BarScore> newBars = [];
                if (critic is not null)
                {
                    score = await critic.ScoreAsync(written);
                    newBars = BarsAfter(score, reportedBars);
                    reportedBars = score.Bars.Count;
                }
                Report(new GenerationProgress(written[(1 + emittedCells)..], newBars));
                emittedCells = written.Length - 1;
            }
            int[] final = complete ? GridRewrite.ChoraleTokens(rewrite.FinalGrid(prefix)) : GridRewrite.ChoraleTokens(rewrite.WrittenGrid(prefix));
            if (final.Length - 1 > emittedCells)
            {
                // The kept bars after a regenerated passage: the whole piece is scored again so every bar has its score.
                IReadOnlyList<Music.Scoring.BarScore> tailBars = [];
                if (critic is not null)
                {
                    score = await critic.ScoreAsync(final);
                    tailBars = BarsAfter(score, reportedBars);
                }
                Report(new GenerationProgress(final[(1 + emittedCells)..], tailBars));
            }
            Succeed(new GenerationOutcome(new SampledSequence(final, 1, complete ? StopReason.Complete : StopReason.MaxNewTokens), score));
        }
        catch (Exception error)
        {
            Fail(error, cancellation);
        }
    }
}
