using MusicCluster.Music.Models;
using MusicCluster.Music.Runtime;
using MusicCluster.Music.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MusicCluster.Music.Scoring;

/// <summary>What the critic minimises while it learns to score real windows above negative ones.</summary>
public enum CriticLoss
{
    /// <summary>mean(negative) - mean(real) (+ the gradient penalty): the WGAN critic's own objective.</summary>
    Wasserstein,

    /// <summary>softplus(-real) + softplus(negative), means over the batch: a classifier's loss, whose gradient
    /// comes from the windows still scored on the wrong side, where the Wasserstein gradient is the same for all.</summary>
    Logistic,
}

/// <summary>Settings of <see cref="CriticTraining"/>.</summary>
public sealed record CriticTrainingOptions
{
    public CriticLoss Loss { get; init; } = CriticLoss.Wasserstein;

    public int Steps { get; init; } = 300;

    /// <summary>Real windows per step (and as many negative ones).</summary>
    public int BatchSize { get; init; } = 16;

    public double LearningRate { get; init; } = 1e-3;

    /// <summary>WGAN-GP weight (lambda) of the gradient penalty; 0 turns it off.</summary>
    public double GradientPenaltyWeight { get; init; } = 10;

    /// <summary>Apply the gradient penalty every this many steps (scaled up by it), as lazy regularisation: the
    /// penalty's double backward pass costs more than the rest of a step.</summary>
    public int GradientPenaltyInterval { get; init; } = 1;

    /// <summary>Share of negative windows with real bars in a wrong order (rounded to whole rows of every batch); the rest are random tokens.</summary>
    public double ShuffledShare { get; init; } = 0.5;

    /// <summary>
    /// Of the shuffled negatives, the share made by permuting the bars of the very window that is the row's real
    /// example (the same tokens in another bar order: only the order can tell them apart); the others are the
    /// window ending at the same bar of the same piece with all its bars shuffled (what scoring a shuffled piece
    /// sees). Pairing a negative with its real window keeps the piece's key, texture and length out of the signal.
    /// </summary>
    public double WindowPermutationShare { get; init; } = 0.5;

    /// <summary>Adam's betas. The WGAN-GP defaults of the adversarial phase are (0, 0.9).</summary>
    public double Beta1 { get; init; } = 0.5;

    public double Beta2 { get; init; } = 0.9;

    public long Seed { get; init; } = 1;

    public CriticTrainingOptions EnsureValid()
    {
        if (!Enum.IsDefined(Loss)) throw new ArgumentOutOfRangeException(nameof(Loss), Loss, "loss must be wasserstein or logistic");
        if (Steps < 0) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "steps must be >= 0");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "batchSize must be >= 1");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate,
            "learningRate must be a finite number > 0");
        if (!(GradientPenaltyWeight >= 0) || !double.IsFinite(GradientPenaltyWeight)) throw new ArgumentOutOfRangeException(nameof(GradientPenaltyWeight), GradientPenaltyWeight,
            "gradientPenaltyWeight must be finite and >= 0");
        if (GradientPenaltyInterval < 1) throw new ArgumentOutOfRangeException(nameof(GradientPenaltyInterval), GradientPenaltyInterval, "gradientPenaltyInterval must be >= 1");
        if (!(ShuffledShare >= 0 && ShuffledShare <= 1)) throw new ArgumentOutOfRangeException(nameof(ShuffledShare), ShuffledShare, "shuffledShare must be in [0, 1]");
        if (!(WindowPermutationShare >= 0 && WindowPermutationShare <= 1))
            throw new ArgumentOutOfRangeException(nameof(WindowPermutationShare), WindowPermutationShare, "windowPermutationShare must be in [0, 1]");
        if (!(Beta1 >= 0 && Beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(Beta1), Beta1, "beta1 must be in [0, 1)");
        if (!(Beta2 >= 0 && Beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(Beta2), Beta2, "beta2 must be in [0, 1)");
        return this;
    }
}

/// <summary>The Wasserstein estimate (mean real score minus mean negative score) after each step.</summary>
public sealed record CriticTrainingReport(IReadOnlyList<double> WassersteinEstimates);

/// <summary>
/// Trains a critic alone, WGAN-GP style, on the scoring windows of real token sequences against random-token
/// windows and real bars in a wrong order: loss = mean(negative) - mean(real) + lambda * gradient penalty.
/// Not the adversarial training of the generator (Music/Training); this gives tests a critic that has learned what
/// real windows look like, quickly, and fine-tunes a trained model's critic (`musiccluster train-critic`), with the
/// same windows that scoring and calibration use.
/// </summary>
public static class CriticTraining
{
    /// <param name="optimizer">An optimizer over the critic's parameters to continue with (its state is updated, so a
    /// caller can save it); null: a new Adam with the options' rate and betas.</param>
    /// <param name="stepCompleted">Called after each step with its index and Wasserstein estimate (on the training thread).</param>
    public static CriticTrainingReport Train(CriticWindowScorer windows, IReadOnlyList<int[]> realSequences, CriticTrainingOptions? options = null,
        CancellationToken cancellation = default, OptimizerHelper? optimizer = null, Action<int, double>? stepCompleted = null)
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
        using var ownOptimizer = optimizer is null ? new ScalarSafeAdam(critic.parameters(), lr: options.LearningRate, beta1: options.Beta1, beta2: options.Beta2) : null;
        var stepper = optimizer ?? ownOptimizer!;
        var estimates = new List<double>(options.Steps);
        bool wasTraining = critic.training;
        critic.train();
        try
        {
            for (int step = 0; step < options.Steps; step++)
            {
                cancellation.ThrowIfCancellationRequested();
                // A fixed number of each kind per batch: with a share drawn per row, some small batches hold no random
                // negative at all, and a critic fine-tuned on such batches was seen to swing its score of noise.
                int shuffledRows = (int)Math.Round(options.BatchSize * options.ShuffledShare);
                var real = new List<int[]>(options.BatchSize);
                var negative = new List<int[]>(options.BatchSize);
                for (int row = 0; row < options.BatchSize; row++)
                {
                    int piece = random.Next(realSequences.Count);
                    int bar = random.Next(realWindows[piece].Count);
                    var window = realWindows[piece][bar];
                    var realWindow = realSequences[piece][window.Start..window.End];
                    real.Add(realWindow);
                    negative.Add(row >= shuffledRows
                        ? CriticNegatives.RandomTokens(window.Length, vocabulary.Count, random)
                        : random.NextDouble() < options.WindowPermutationShare
                            ? PermutedWindow(windows, realWindow, realSequences[piece], bar, random)
                            : ShuffledPieceWindow(windows, realSequences[piece], bar, random));
                }
                using var scope = NewDisposeScope();
                int time = Math.Max(real.Max(w => w.Length), negative.Max(w => w.Length));
                // Real and negative windows in one forward pass: half the operations of two passes.
                var (oneHot, valid) = Batch(critic, [.. real, .. negative], time);
                var scores = critic.SequenceScores(oneHot, valid);
                var realScores = scores.narrow(0, 0, real.Count);
                var negativeScores = scores.narrow(0, real.Count, negative.Count);
                var loss = options.Loss == CriticLoss.Logistic
                    ? Softplus(realScores.neg()).mean().Plus(Softplus(negativeScores).mean())
                    : negativeScores.mean() - realScores.mean();
                if (options.GradientPenaltyWeight > 0 && step % options.GradientPenaltyInterval == 0)
                {
                    var realOneHot = oneHot.narrow(0, 0, real.Count);
                    var negativeOneHot = oneHot.narrow(0, real.Count, negative.Count);
                    var either = valid.narrow(0, 0, real.Count).logical_or(valid.narrow(0, real.Count, negative.Count));
                    loss = loss.Plus(critic.GradientPenalty(realOneHot, negativeOneHot, either, mixing).Times(options.GradientPenaltyWeight * options.GradientPenaltyInterval));
                }
                stepper.zero_grad();
                loss.backward();
                stepper.step();
                double estimate = (realScores.mean() - negativeScores.mean()).item<float>();
                estimates.Add(estimate);
                stepCompleted?.Invoke(step, estimate);
            }
        }
        finally
        {
            critic.train(wasTraining);
        }
        return new CriticTrainingReport(estimates);
    }

    /// <summary>The window of bar <paramref name="bar"/> of the piece with all its bars shuffled (bars keep their
    /// lengths' multiset, so the window may be a little longer or shorter than the real one).</summary>
    private static int[] ShuffledPieceWindow(CriticWindowScorer windows, int[] sequence, int bar, Random random)
    {
        var shuffled = CriticNegatives.ShuffleBars(sequence, windows.Vocabulary, random);
        var ranges = windows.Windows(shuffled);
        var window = ranges[Math.Min(bar, ranges.Count - 1)];
        return shuffled[window.Start..window.End];
    }

    /// <summary>The real window with its whole bars permuted (a partial first bar or header stays first); a window
    /// with fewer than two whole bars has no other order, so the shuffled piece's window stands in.</summary>
    private static int[] PermutedWindow(CriticWindowScorer windows, int[] realWindow, int[] sequence, int bar, Random random)
    {
        var permuted = CriticNegatives.ShuffleBars(realWindow, windows.Vocabulary, random);
        return permuted.AsSpan().SequenceEqual(realWindow) ? ShuffledPieceWindow(windows, sequence, bar, random) : permuted;
    }

    /// <summary>log(1 + e^x), computed as log(1 + e^-|x|) + max(x, 0) so that large scores do not overflow.</summary>
    private static Tensor Softplus(Tensor x) => x.abs().neg().exp().log1p().Plus(x.relu());

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
