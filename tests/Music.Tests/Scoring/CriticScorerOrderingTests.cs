using System.Diagnostics;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Tests.Models;
using Xunit.Abstractions;

namespace MusicCluster.Music.Tests.Scoring;

/// <summary>
/// A critic trained briefly (WGAN-GP on real windows against random-token and bar-shuffled windows) must rank
/// held-out real pieces above random token sequences and above the same pieces with their bars shuffled.
/// </summary>
[Collection(TinyModels.Collection)]
public sealed class CriticScorerOrderingTests(ITestOutputHelper output)
{
    [Fact]
    public void A_briefly_trained_critic_ranks_real_above_random_and_bar_shuffled_pieces()
    {
        var vocabulary = CriticScorerFixtures.Events.Vocabulary;
        var sequences = CriticScorerFixtures.EventSequences(72);
        var train = sequences.Take(60).ToArray();
        var heldOut = sequences.Skip(60).ToArray();
        using var critic = CriticScorerFixtures.Critic(vocabulary, context: 128, width: 32);
        var options = new CriticScorerOptions { WindowBars = 2 };
        var windows = new CriticWindowScorer(critic, vocabulary, options);
        var clock = Stopwatch.StartNew();
        var report = CriticTraining.Train(windows, train, new CriticTrainingOptions { Steps = 300, BatchSize = 16, Seed = 5 });
        output.WriteLine($"trained in {clock.Elapsed.TotalSeconds:F1} s; Wasserstein estimate {report.WassersteinEstimates[^1]:F3}");

        var calibration = CalibrationBuilder.FromRealSequences(windows, train.Take(12), "ordering-test", "step-300");
        var scorer = new CriticScorer(critic, vocabulary, calibration, options);
        var random = new Random(8);
        double[] real = heldOut.Select(s => scorer.Score(s).RawOverall).ToArray();
        double[] noise = heldOut.Select(s => scorer.Score(CriticNegatives.RandomTokens(s.Length, vocabulary.Count, random)).RawOverall).ToArray();
        double[] shuffled = heldOut.Select(s => scorer.Score(CriticNegatives.ShuffleBars(s, vocabulary, random)).RawOverall).ToArray();
        double aucRandom = AucCalculator.Compute(real, noise), aucShuffled = AucCalculator.Compute(real, shuffled);
        output.WriteLine($"AUC real vs random {aucRandom:F3}, real vs shuffled {aucShuffled:F3}; scored in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(aucRandom >= 0.99, $"AUC real vs random {aucRandom:F3} < 0.99");
        Assert.True(aucShuffled >= 0.8, $"AUC real vs bar-shuffled {aucShuffled:F3} < 0.8");
    }
}
