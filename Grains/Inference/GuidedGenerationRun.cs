using MusicCluster.Music.Models;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Training;
using MusicPieceScore = MusicCluster.Music.Scoring.PieceScore;

namespace MusicCluster.Grains.Inference;

/// <summary>
/// Critic-guided generation on a silo (<see cref="CriticGuidance"/>): for each bar, <c>candidates</c> one-bar
/// continuations run as jobs of the model's worker, so they share its batched steps with every other session; each
/// candidate is scored whole by the worker's critic and the one whose last bar scores best is kept. Its tokens and
/// the calibrated scores of the bars it completes are reported as one update per bar. Nothing here runs on the grain
/// scheduler: the loop awaits the worker's jobs on the thread pool.
/// </summary>
public sealed class GuidedGenerationRun : BarByBarRun
{
    private GuidedGenerationRun()
    {
    }

    /// <summary>Starts guided generation of <paramref name="bars"/> bars after <paramref name="primer"/>; the worker's model must have a critic calibration.</summary>
    public static GuidedGenerationRun Start(ModelWorker worker, IReadOnlyList<int> primer, SamplingOptions options, int bars, int candidates,
        CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentOutOfRangeException.ThrowIfLessThan(bars, 1);
        CriticGuidance.CheckCandidates(candidates);
        if (worker.Model.Scorer is null) throw new ArgumentException($"candidates: model {worker.Model.Ref} has no calibrated critic to choose among candidates; use 1");
        var run = new GuidedGenerationRun();
        _ = Task.Run(() => run.RunAsync(worker, primer.ToArray(), options, bars, candidates, cancellation), CancellationToken.None);
        return run;
    }

    private async Task RunAsync(ModelWorker worker, int[] primer, SamplingOptions options, int bars, int candidates, CancellationToken cancellation)
    {
        try
        {
            var tokenizer = worker.Model.Tokenizer;
            var barOptions = options with { MaxNewTokens = PieceGeneration.TokenLimit(tokenizer, 1) };
            int[] prefix = primer;
            int reportedBars = 0;
            MusicPieceScore? score = null;
            bool complete = true;
            for (int bar = 0; bar < bars && complete; bar++)
            {
                cancellation.ThrowIfCancellationRequested();
                var seeded = barOptions with { Seed = CriticGuidance.BarSeed(options.Seed, bar) };
                var jobs = Enumerable.Range(0, candidates)
                    .Select(i => worker.Generate(prefix, seeded, PieceGeneration.ConstraintFor(tokenizer, 1), cancellation, stream: i, liveScore: false))
                    .ToList();
                GenerationOutcome[] outcomes = await Task.WhenAll(jobs.Select(j => j.Completion));
                MusicPieceScore[] scores = await Task.WhenAll(outcomes.Select(o => worker.ScoreAsync(o.Sequence.Tokens)));
                int best = CriticGuidance.Best(scores.Select(s => s.RawBars[^1]).ToArray());
                SampledSequence chosen = outcomes[best].Sequence;
                score = scores[best];
                complete = chosen.StopReason == StopReason.Complete;
                int[] next = bar == bars - 1 || !complete ? chosen.Tokens.ToArray() : CriticGuidance.ContinuationPrefix(tokenizer, chosen.Tokens);
                var newBars = BarsAfter(score, reportedBars);
                reportedBars = score.Bars.Count;
                Report(new GenerationProgress(next[prefix.Length..], newBars));
                prefix = next;
            }
            Succeed(new GenerationOutcome(new SampledSequence(prefix, primer.Length, complete ? StopReason.Complete : StopReason.MaxNewTokens), score));
        }
        catch (Exception error)
        {
            Fail(error, cancellation);
        }
    }
}
