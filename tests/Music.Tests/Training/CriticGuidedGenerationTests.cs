using MusicCluster.Music.Models;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Tests.Models;
using MusicCluster.Music.Tests.Scoring;
using MusicCluster.Music.Tokens;
using MusicCluster.Music.Training;
using MusicCluster.TestSupport;

namespace MusicCluster.Music.Tests.Training;

[Collection(TinyModels.Collection)]
public sealed class CriticGuidedGenerationTests
{
    private static readonly JsbGridTokenizer Grid = new();

    [Fact]
    public void Each_bar_keeps_the_candidate_the_critic_ranks_first()
    {
        using var model = TinyModels.Generator(TinyModels.Config(vocab: Grid.Vocabulary.Count, context: 160), seed: 3);
        using var criticModel = CriticScorerFixtures.Critic(Grid.Vocabulary, context: 160, width: 16);
        var critic = new CriticWindowScorer(criticModel, Grid.Vocabulary, new CriticScorerOptions { WindowBars = 2 });
        var options = new SamplingOptions { Seed = 11, Temperature = 1.2 };
        var bars = new List<GuidedBar>();
        var guided = CriticGuidedGeneration.Generate(model, Grid.Vocabulary, critic, bars: 3, candidates: 6, options, onBar: bars.Add);

        Assert.True(guided.Complete);
        Assert.Equal(1 + 3 * 64, guided.Tokens.Length);
        Assert.Equal(3, bars.Count);
        // Redo every bar by hand: sample the six candidates of the piece so far, score them, keep the best.
        int[] prefix = [JsbGridTokenizer.BeginId];
        foreach (var bar in bars)
        {
            var candidates = Sampler.SampleBatch(model, Enumerable.Repeat<IReadOnlyList<int>>(prefix, 6).ToList(),
                options with { Seed = CriticGuidance.BarSeed(options.Seed, bar.Bar), MaxNewTokens = 64 },
                Enumerable.Range(0, 6).Select(_ => (ITokenConstraint?)new JsbGridConstraint(1)).ToList());
            double[] scores = critic.ScoreLastBars(candidates.Select(c => c.Tokens).ToList());
            FloatAssert.Close(scores, bar.CandidateScores, 1e-5);
            int best = Enumerable.Range(0, 6).MaxBy(i => scores[i]);
            Assert.Equal(best, bar.Chosen);
            prefix = candidates[best].Tokens.ToArray();
            Assert.Equal(prefix, guided.Tokens.Take(prefix.Length));
            // The candidates differ, so the choice matters.
            Assert.True(candidates.Select(c => string.Join(',', c.Tokens)).Distinct().Count() > 1);
        }
        Assert.Contains(bars, b => b.Chosen != 0);
    }

    [Fact]
    public void The_choice_is_the_first_best_score_and_bad_candidate_counts_are_refused()
    {
        Assert.Equal(1, CriticGuidance.Best([0.1, 0.5, 0.5, -2]));
        Assert.Equal(2, CriticGuidance.Best([double.NaN, -1, 3]));
        Assert.NotEqual(CriticGuidance.BarSeed(5, 0), CriticGuidance.BarSeed(5, 1));
        var error = Assert.Throws<ArgumentException>(() => CriticGuidance.CheckCandidates(0));
        Assert.Contains("candidates: must be from 1", error.Message);
        Assert.Throws<ArgumentException>(() => CriticGuidance.CheckCandidates(CriticGuidance.MaxCandidates + 1));
    }
}
