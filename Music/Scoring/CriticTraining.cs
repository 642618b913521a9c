using MusicCluster.Music.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace MusicCluster.Music.Scoring;

/// <summary>Settings of <see cref="CriticTraining"/>.</summary>
public sealed record CriticTrainingOptions
{
    public int Steps { get; init; } = 300;

    /// <summary>Real windows per step (and as many negative ones).</summary>
    public int BatchSize { get; init; } = 16;

    public double LearningRate { get; init; } = 1e-3;

    /// <summary>WGAN-GP weight (lambda) of the gradient penalty; 0 turns it off.</summary>
    public double GradientPenaltyWeight { get; init; } = 10;

    /// <summary>Apply the gradient penalty every this many steps (scaled up by it), as lazy regularisation: the
    /// penalty's double backward pass costs more than the rest of a step.</summary>
    public int GradientPenaltyInterval { get; init; } = 1;

    /// <summary>Share of negative windows cut from bar-shuffled real pieces; the rest are random tokens.</summary>
    public double ShuffledShare { get; init; } = 0.5;

    public long Seed { get; init; } = 1;

    public CriticTrainingOptions EnsureValid()
    {
        if (Steps < 0) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "steps must be >= 0");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "batchSize must be >= 1");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "learningRate must be a finite number > 0");
        if (!(GradientPenaltyWeight >= 0) || !double.IsFinite(GradientPenaltyWeight)) throw new ArgumentOutOfRangeException(nameof(GradientPenaltyWeight), GradientPenaltyWeight, "gradientPenaltyWeight must be finite and >= 0");
        if (GradientPenaltyInterval < 1) throw new ArgumentOutOfRangeException(nameof(GradientPenaltyInterval), GradientPenaltyInterval, "gradientPenaltyInterval must be >= 1");
        if (!(ShuffledShare >= 0 && ShuffledShare <= 1)) throw new ArgumentOutOfRangeException(nameof(ShuffledShare), ShuffledShare, "shuffledShare must be in [0, 1]");
        return this;
    }
}

/// <summary>The Wasserstein estimate (mean real score minus mean negative score) after each step.</summary>
public sealed record CriticTrainingReport(IReadOnlyList<double> WassersteinEstimates);

/// <summary>
/// Trains a critic alone, WGAN-GP style, on the scoring windows of real token sequences against random-token
/// windows and windows of bar-shuffled real pieces: loss = mean(negative) - mean(real) + lambda * gradient penalty.
/// Not the adversarial training of the generator (Music/Training); this gives tests and tools a critic that has
/// learned what real windows look like, quickly, with the same windows that scoring and calibration use.
/// </summary>
public static class CriticTraining
{
    public static CriticTrainingReport Train(CriticWindowScorer windows, IReadOnlyList<int[]> realSequences, CriticTrainingOptions? options = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(realSequences);
        options = (options ?? new CriticTrainingOptions()).EnsureValid();
        if (realSequences.Count == 0) throw new ArgumentException("training a critic needs at least one real sequence", nameof(realSequences));

        var critic = windows.Critic;
        var vocabulary = windows.Vocabulary;
        var realWindows = realSequences.Select(s => windows.Windows(s)).ToArray();
        var random = new Random(unchecked((int)options.Seed));
        torch.random.manual_seed(options.Seed);
        using var mixing = new torch.Generator((ulong)options.Seed);
        using var optimizer = optim.Adam(critic.parameters(), lr: options.LearningRate, beta1: 0.5, beta2: 0.9);
        var estimates = new List<double>(options.Steps);
        bool wasTraining = critic.training;
        critic.train();
        try
        {
            for (int step = 0; step < options.Steps; step++)
            {
                cancellation.ThrowIfCancellationRequested();
                var real = new List<int[]>(options.BatchSize);
                var negative = new List<int[]>(options.BatchSize);
                for (int row = 0; row < options.BatchSize; row++)
                {
                    int piece = random.Next(realSequences.Count);
                    var window = realWindows[piece][random.Next(realWindows[piece].Count)];
                    real.Add(realSequences[piece][window.Start..window.End]);
                    negative.Add(random.NextDouble() < options.ShuffledShare
                        ? ShuffledWindow(windows, realSequences[random.Next(realSequences.Count)], random)
                        : CriticNegatives.RandomTokens(window.Length, vocabulary.Count, random));
                }
                using var scope = NewDisposeScope();
                int time = Math.Max(real.Max(w => w.Length), negative.Max(w => w.Length));
                // Real and negative windows in one forward pass: half the operations of two passes.
                var (oneHot, valid) = Batch(critic, [.. real, .. negative], time);
                var scores = critic.SequenceScores(oneHot, valid);
                var realScores = scores.narrow(0, 0, real.Count);
                var negativeScores = scores.narrow(0, real.Count, negative.Count);
                var loss = negativeScores.mean() - realScores.mean();
                if (options.GradientPenaltyWeight > 0 && step % options.GradientPenaltyInterval == 0)
                {
                    var realOneHot = oneHot.narrow(0, 0, real.Count);
                    var negativeOneHot = oneHot.narrow(0, real.Count, negative.Count);
                    var either = valid.narrow(0, 0, real.Count).logical_or(valid.narrow(0, real.Count, negative.Count));
                    loss = loss + options.GradientPenaltyWeight * options.GradientPenaltyInterval * critic.GradientPenalty(realOneHot, negativeOneHot, either, mixing);
                }
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                estimates.Add((realScores.mean() - negativeScores.mean()).item<float>());
            }
        }
        finally
        {
            critic.train(wasTraining);
        }
        return new CriticTrainingReport(estimates);
    }

    private static int[] ShuffledWindow(CriticWindowScorer windows, int[] sequence, Random random)
    {
        var shuffled = CriticNegatives.ShuffleBars(sequence, windows.Vocabulary, random);
        var ranges = windows.Windows(shuffled);
        var window = ranges[random.Next(ranges.Count)];
        return shuffled[window.Start..window.End];
    }

    /// <summary>One-hot rows padded with all-zero vectors to <paramref name="time"/> positions, and the mask of real positions.</summary>
    private static (Tensor OneHot, Tensor Valid) Batch(TransformerCritic critic, List<int[]> rows, int time)
    {
        var ids = new long[rows.Count * time];
        var valid = new bool[rows.Count * time];
        for (int r = 0; r < rows.Count; r++)
            for (int t = 0; t < rows[r].Length; t++)
            {
                ids[r * time + t] = rows[r][t];
                valid[r * time + t] = true;
            }
        var validTensor = tensor(valid, [rows.Count, time], dtype: @bool, device: critic.Device);
        var oneHot = critic.OneHot(tensor(ids, [rows.Count, time], dtype: int64)) * validTensor.unsqueeze(-1).to(float32);
        return (oneHot, validTensor);
    }
}
