using System.Text.Json.Nodes;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Storage.Checkpoints;
using TorchSharp;

namespace MusicCluster.Music.Training;

/// <summary>Settings of <see cref="CriticFineTuning"/>: the critic's training, and how often and on how many held-out pieces to measure it.</summary>
public sealed record CriticFineTuningOptions
{
    /// <summary>Steps, batch, rate, negatives and gradient penalty. Defaults: the adversarial phase's Adam betas (0, 0.9),
    /// so a resumed adversarial run can continue with the saved optimizer state; most negatives shuffled.</summary>
    public CriticTrainingOptions Training { get; init; } = new() { Steps = 1000, LearningRate = 1e-4, Beta1 = 0, Beta2 = 0.9, ShuffledShare = 0.8, GradientPenaltyInterval = 4 };

    /// <summary>Bars per scoring window to train on (calibrate with the same size).</summary>
    public int WindowBars { get; init; } = CriticScorerOptions.DefaultWindowBars;

    /// <summary>Measure the ordering on the held-out pieces every this many steps (and before the first).</summary>
    public int EvaluateEvery { get; init; } = 100;

    /// <summary>Held-out pieces the ordering is measured on (the first ones of the split), to keep measuring cheap.</summary>
    public int EvaluationPieces { get; init; } = 32;

    /// <summary>Start the critic from the generator's token embedding and first blocks (<see cref="CriticInitialization"/>)
    /// instead of its own weights; the checkpoint's own critic is then not measured as a candidate.</summary>
    public bool InitializeFromGenerator { get; init; }

    public CriticFineTuningOptions EnsureValid()
    {
        Training.EnsureValid();
        new CriticScorerOptions { WindowBars = WindowBars }.EnsureValid();
        if (EvaluateEvery < 1) throw new ArgumentOutOfRangeException(nameof(EvaluateEvery), EvaluateEvery, "evaluateEvery must be >= 1");
        if (EvaluationPieces < 1) throw new ArgumentOutOfRangeException(nameof(EvaluationPieces), EvaluationPieces, "evaluationPieces must be >= 1");
        return this;
    }
}

/// <summary>One measurement of the critic during fine-tuning: after <paramref name="Step"/> steps, on the held-out pieces.</summary>
public sealed record CriticFineTuningEvaluation(int Step, CriticOrderingResult Ordering, double? WassersteinEstimate);

/// <summary>What fine-tuning gave: every measurement, the step kept, and the checkpoint with that critic (the
/// original archive itself when no step improved on the checkpoint's own critic).</summary>
public sealed record CriticFineTuningResult(IReadOnlyList<CriticFineTuningEvaluation> Evaluations, CriticFineTuningEvaluation Best, CheckpointArchive Checkpoint);

/// <summary>
/// Fine-tunes the critic of a trained checkpoint so that it orders real pieces above random tokens and above the same
/// pieces with their bars shuffled (<see cref="CriticTraining"/> with explicit shuffled-bar negatives), measuring the
/// ordering on held-out pieces as it goes and keeping the best critic: the one with the highest real-vs-shuffled AUC
/// among those that reach real-vs-random 0.99 (any, if none does; step 0, the checkpoint's own critic, competes too,
/// unless the critic is started from the generator's layers).
/// The generator and everything else in the checkpoint stay as they were.
/// </summary>
public static class CriticFineTuning
{
    public const string MetadataField = "criticFineTuning";

    public static CriticFineTuningResult Run(CheckpointArchive archive, string source, IReadOnlyList<int[]> train, IReadOnlyList<int[]> heldOut,
        CriticFineTuningOptions? options = null, Action<CriticFineTuningEvaluation>? evaluated = null, Action<int, double>? stepCompleted = null,
        CancellationToken cancellation = default, Action<CriticFineTuningEvaluation, CheckpointArchive>? bestChanged = null)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(heldOut);
        options = (options ?? new CriticFineTuningOptions()).EnsureValid();
        if (train.Count == 0) throw new ArgumentException("fine-tuning a critic needs training pieces", nameof(train));
        if (heldOut.Count == 0) throw new ArgumentException("fine-tuning a critic needs held-out pieces to choose the best critic by", nameof(heldOut));

        if (options.InitializeFromGenerator) archive = ShapedLikeGenerator(archive, source);
        using var checkpoint = ModelCheckpoint.Unpack(archive, source);
        var critic = checkpoint.Critic ?? throw new CheckpointFormatException(source, 0, "the checkpoint has no critic to fine-tune");
        if (options.InitializeFromGenerator) CriticInitialization.FromGenerator(critic, checkpoint.Generator);
        var windows = new CriticWindowScorer(critic, checkpoint.Info.Vocabulary, new CriticScorerOptions { WindowBars = options.WindowBars });
        var measured = heldOut.Take(options.EvaluationPieces).ToArray();
        var training = options.Training;
        using var optimizer = new ScalarSafeAdam(critic.parameters(), lr: training.LearningRate, beta1: training.Beta1, beta2: training.Beta2);

        var evaluations = new List<CriticFineTuningEvaluation>();
        CriticFineTuningEvaluation? best = null;
        CheckpointArchive? bestArchive = null;
        int done = 0;
        double? lastEstimate = null;
        while (true)
        {
            var evaluation = new CriticFineTuningEvaluation(done, CriticOrdering.Measure(windows, measured, training.Seed), lastEstimate);
            evaluations.Add(evaluation);
            evaluated?.Invoke(evaluation);
            // A critic started from the generator is no candidate before it has been trained.
            bool candidate = done > 0 || !options.InitializeFromGenerator;
            if (candidate && (best is null || Better(evaluation.Ordering, best.Ordering)))
            {
                best = evaluation;
                bestArchive = done == 0 ? archive : ModelCheckpoint.WithCritic(archive, critic, optimizer, MetadataField, Note(options, evaluation, source));
                bestChanged?.Invoke(evaluation, bestArchive);
            }
            if (done >= training.Steps || cancellation.IsCancellationRequested) break;
            int chunk = Math.Min(options.EvaluateEvery, training.Steps - done);
            int offset = done;
            // Each chunk draws its own windows (seed + offset), so chunks do not repeat one another's batches.
            CriticTrainingReport report;
            try
            {
                report = CriticTraining.Train(windows, train, training with { Steps = chunk, Seed = training.Seed + offset }, cancellation, optimizer,
                    (step, estimate) => stepCompleted?.Invoke(offset + step + 1, estimate));
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                break; // stopping keeps the best critic measured so far; the unmeasured part of this chunk is dropped
            }
            done += chunk;
            lastEstimate = report.WassersteinEstimates.Count > 0 ? report.WassersteinEstimates[^1] : null;
        }
        if (best is null) throw new OperationCanceledException("critic fine-tuning was cancelled before its first step", cancellation);
        return new CriticFineTuningResult(evaluations, best, bestArchive!);
    }

    /// <summary>
    /// A critic started from the generator needs the generator's width, heads and feed-forward width: when the run's
    /// critic has other sizes, it is replaced by a fresh one of the generator's shape (as many layers as before, at
    /// most the generator's), whose embedding and blocks the generator's then fill.
    /// </summary>
    private static CheckpointArchive ShapedLikeGenerator(CheckpointArchive archive, string source)
    {
        var config = ModelCheckpoint.ReadInfo(archive.Metadata, source).RunConfig;
        var critic = config.Critic;
        var generator = config.Model;
        if (critic.ModelWidth == generator.ModelWidth && critic.Heads == generator.Heads && critic.FeedForwardWidth == generator.FeedForwardWidth)
            return archive;
        return ModelCheckpoint.WithNewCritic(archive, source, critic with
        {
            Layers = Math.Min(critic.Layers, generator.Layers),
            Heads = generator.Heads,
            ModelWidth = generator.ModelWidth,
            FeedForwardWidth = generator.FeedForwardWidth,
        });
    }

    /// <summary>Real-vs-random 0.99 first (scoring must put noise at the bottom), then the higher real-vs-shuffled AUC.</summary>
    private static bool Better(CriticOrderingResult candidate, CriticOrderingResult incumbent)
    {
        bool candidateRandom = candidate.RealVsRandomAuc >= 0.99, incumbentRandom = incumbent.RealVsRandomAuc >= 0.99;
        if (candidateRandom != incumbentRandom) return candidateRandom;
        return candidate.RealVsShuffledAuc > incumbent.RealVsShuffledAuc;
    }

    private static JsonObject Note(CriticFineTuningOptions options, CriticFineTuningEvaluation evaluation, string source) => new()
    {
        ["from"] = Path.GetFileName(source),
        ["steps"] = evaluation.Step,
        ["batchSize"] = options.Training.BatchSize,
        ["learningRate"] = options.Training.LearningRate,
        ["shuffledShare"] = options.Training.ShuffledShare,
        ["windowPermutationShare"] = options.Training.WindowPermutationShare,
        ["loss"] = options.Training.Loss.ToString(),
        ["gradientPenaltyWeight"] = options.Training.GradientPenaltyWeight,
        ["windowBars"] = options.WindowBars,
        ["initializedFromGenerator"] = options.InitializeFromGenerator,
        ["seed"] = options.Training.Seed,
        ["heldOutPieces"] = evaluation.Ordering.Pieces,
        ["heldOutRealVsRandomAuc"] = evaluation.Ordering.RealVsRandomAuc,
        ["heldOutRealVsShuffledAuc"] = evaluation.Ordering.RealVsShuffledAuc,
        ["createdAt"] = DateTimeOffset.UtcNow.ToString("O"),
    };
}
