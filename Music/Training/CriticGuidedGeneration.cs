using MusicCluster.Music.Models;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Training;

/// <summary>One bar of a critic-guided piece: the raw critic score of each candidate and which one was kept.</summary>
public sealed record GuidedBar(int Bar, int Chosen, IReadOnlyList<double> CandidateScores);

/// <summary>
/// Critic-guided sampling in one process (the CLI, tests, benchmarks): the piece grows bar by bar, each bar the best of
/// <c>candidates</c> continuations sampled in one batch, as <see cref="CriticGuidance"/> defines. The silos' generation
/// sessions do the same through their inference engine.
/// </summary>
public static class CriticGuidedGeneration
{
    public static GeneratedPiece Generate(TransformerGenerator model, Vocabulary vocabulary, CriticWindowScorer critic, int bars, int candidates,
        SamplingOptions options, Piece? primer = null, Action<GuidedBar>? onBar = null, ChoraleRules? chorale = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(critic);
        ArgumentOutOfRangeException.ThrowIfLessThan(bars, 1);
        CriticGuidance.CheckCandidates(candidates);
        if (critic.Vocabulary.Version != vocabulary.Version)
            throw new ArgumentException($"the critic reads vocabulary {critic.Vocabulary.Version}, the generator {vocabulary.Version}", nameof(critic));
        var tokenizer = PieceGeneration.TokenizerFor(model, vocabulary, bars);
        int[] prefix = PieceGeneration.PrimerTokens(tokenizer, primer, model.Config.ContextLength);
        int primerLength = prefix.Length;
        var barOptions = options with { MaxNewTokens = PieceGeneration.TokenLimit(tokenizer, 1) };
        bool complete = true;
        for (int bar = 0; bar < bars; bar++)
        {
            var primers = Enumerable.Repeat<IReadOnlyList<int>>(prefix, candidates).ToList();
            var constraints = Enumerable.Range(0, candidates).Select(_ => (ITokenConstraint?)PieceGeneration.ConstraintFor(tokenizer, 1, chorale)).ToList();
            var sampled = Sampler.SampleBatch(model, primers, barOptions with { Seed = CriticGuidance.BarSeed(options.Seed, bar) }, constraints,
                cancellation: cancellation);
            double[] scores = critic.ScoreLastBars(sampled.Select(s => s.Tokens).ToList());
            int best = CriticGuidance.Best(scores);
            onBar?.Invoke(new GuidedBar(bar, best, scores));
            var chosen = sampled[best];
            complete = chosen.StopReason == StopReason.Complete;
            prefix = bar == bars - 1 || !complete ? chosen.Tokens.ToArray() : CriticGuidance.ContinuationPrefix(tokenizer, chosen.Tokens);
            if (!complete) break;
        }
        return new GeneratedPiece(PieceGeneration.Decode(tokenizer, prefix), prefix, primerLength, complete);
    }
}
