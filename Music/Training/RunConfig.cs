using System.Text.Json;
using System.Text.Json.Serialization;
using MusicCluster.Music.Models;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Training;

/// <summary>
/// Everything a training run needs besides its data: the generator's and critic's architectures and the
/// hyperparameters of MLE pre-training and WGAN-GP fine-tuning. JSON (camelCase; unknown fields are refused so a
/// misspelt field is not silently ignored); embedded in every checkpoint. Steps count globally: steps
/// [0, mleSteps) are MLE pre-training, [mleSteps, mleSteps + adversarialSteps) adversarial fine-tuning.
/// </summary>
public sealed record RunConfig
{
    public const int MaxBatchSize = 1 << 14;
    public const int MaxSteps = 100_000_000;
    public const int MaxCriticSteps = 100;
    public const int MaxWorkers = 64;
    public const int MaxLocalSteps = 10_000;
    public const int MaxWorkerWaitSeconds = 86_400;

    public required TransformerConfig Model { get; init; }
    public CriticArchitecture Critic { get; init; } = new();

    public long Seed { get; init; } = 1;
    public int BatchSize { get; init; } = 16;

    /// <summary>Peak learning rate of MLE pre-training (AdamW), reached after <see cref="WarmupSteps"/>, then cosine decay.</summary>
    public double LearningRate { get; init; } = 1e-3;
    public int WarmupSteps { get; init; } = 100;
    public double MinLearningRateRatio { get; init; } = 0.1;
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Largest global gradient norm of the generator; larger gradients are scaled down. 0 turns clipping off.</summary>
    public double GradientClip { get; init; } = 1.0;

    public int MleSteps { get; init; } = 2000;
    public int AdversarialSteps { get; init; }

    /// <summary>Critic updates per generator update in adversarial fine-tuning.</summary>
    public int CriticSteps { get; init; } = 5;
    public double GradientPenaltyWeight { get; init; } = 10;
    public double CriticLearningRate { get; init; } = 1e-4;

    /// <summary>Generator learning rate while fine-tuning adversarially (small: it starts from a trained model).</summary>
    public double AdversarialLearningRate { get; init; } = 1e-5;

    /// <summary>Adam betas of both optimizers in adversarial fine-tuning (WGAN-GP's (0, 0.9)).</summary>
    public double AdversarialBeta1 { get; init; }
    public double AdversarialBeta2 { get; init; } = 0.9;

    /// <summary>Gumbel-softmax temperature, annealed geometrically from start to end over the adversarial steps.</summary>
    public double GumbelTemperatureStart { get; init; } = 1.0;
    public double GumbelTemperatureEnd { get; init; } = 0.3;

    /// <summary>Generator loss in adversarial fine-tuning = -critic(fake).mean() + mleWeight x MLE loss.</summary>
    public double MleWeight { get; init; } = 1.0;

    /// <summary>Validation NLL every this many steps (and at the end); 0 only at the end.</summary>
    public int ValidateEvery { get; init; } = 500;

    /// <summary>A checkpoint every this many steps and every <see cref="CheckpointMinutes"/> minutes (0 turns either off), and always at the end.</summary>
    public int CheckpointEvery { get; init; } = 1000;
    public double CheckpointMinutes { get; init; } = 10;

    /// <summary>
    /// Data-parallel workers (1: the run trains in one place). Each trains batchSize windows per step: the run's batch
    /// is workers x batchSize. More than one trains the MLE phase only.
    /// </summary>
    public int Workers { get; init; } = 1;

    /// <summary>How workers combine their work when there is more than one (<see cref="DataParallelMode"/>).</summary>
    public DataParallelMode ParallelMode { get; init; } = DataParallelMode.Synchronous;

    /// <summary>Local mode: the steps each worker takes on its own between two averagings (DiLoCo's H).</summary>
    public int LocalSteps { get; init; } = 10;

    /// <summary>
    /// Local mode: the outer Nesterov SGD's learning rate and momentum. The defaults (1, 0) average the workers' parameters;
    /// DiLoCo's 0.7 and 0.9 suit its long rounds (H = 500) from a pre-trained start, and lagged far behind in the short
    /// runs from scratch measured here (docs/training-runs.md).
    /// </summary>
    public double OuterLearningRate { get; init; } = 1.0;
    public double OuterMomentum { get; init; }

    /// <summary>A worker lost (its silo died): go on with the others, or wait for a silo to replace it (<see cref="WorkerLossPolicy"/>).</summary>
    public WorkerLossPolicy OnWorkerLost { get; init; } = WorkerLossPolicy.Continue;

    /// <summary>With <see cref="WorkerLossPolicy.Wait"/>: how long the run waits, before its next step, for a silo to join.</summary>
    public int WorkerWaitSeconds { get; init; } = 300;

    [JsonIgnore]
    public int TotalSteps => MleSteps + AdversarialSteps;

    [JsonIgnore]
    public TransformerConfig CriticConfig => Critic.ToTransformerConfig(Model);

    public LearningRateSchedule MleSchedule() => new(LearningRate, WarmupSteps, Math.Max(1, MleSteps), MinLearningRateRatio);

    /// <summary>
    /// A config for a dataset's vocabulary with the project's default sizes (a small model that trains on two CPU
    /// cores): 4 layers, width 128, context 256.
    /// </summary>
    public static RunConfig DefaultFor(Vocabulary vocabulary) => new()
    {
        Model = new TransformerConfig
        {
            VocabSize = vocabulary.Count,
            ContextLength = 256,
            Layers = 4,
            Heads = 4,
            ModelWidth = 128,
            FeedForwardWidth = 512,
            Dropout = 0.1,
            PadTokenId = vocabulary.TryGetId("<pad>", out int pad) ? pad : null,
        },
    };

    /// <summary>
    /// Every wrong field, named by its JSON path; empty when the config is usable with a dataset of
    /// <paramref name="datasetVocabulary"/> (null: no dataset check).
    /// </summary>
    public IReadOnlyList<ConfigFieldError> Validate(Vocabulary? datasetVocabulary = null)
    {
        var errors = new List<ConfigFieldError>();
        void Check(bool ok, string field, string message)
        {
            if (!ok) errors.Add(new ConfigFieldError(field, message));
        }

        if (Model is null)
        {
            errors.Add(new ConfigFieldError("model", "is required"));
        }
        else
        {
            errors.AddRange(Model.Validate("model."));
            if (datasetVocabulary is not null)
                Check(Model.VocabSize == datasetVocabulary.Count, "model.vocabSize",
                    $"is {Model.VocabSize} but the dataset's vocabulary {datasetVocabulary.Version} has {datasetVocabulary.Count} tokens");
            if (Critic is null) errors.Add(new ConfigFieldError("critic", "must not be null"));
            // The critic shares vocabulary and context with the generator: only its own fields can be wrong here.
            else errors.AddRange(CriticConfig.Validate("critic.").Where(e => !e.Field.EndsWith("vocabSize", StringComparison.Ordinal)
                && !e.Field.EndsWith("contextLength", StringComparison.Ordinal)
                && !e.Field.EndsWith("rotaryBase", StringComparison.Ordinal) && !e.Field.EndsWith("padTokenId", StringComparison.Ordinal)));
        }

        Check(BatchSize is >= 1 and <= MaxBatchSize, "batchSize", $"must be in [1, {MaxBatchSize}], got {BatchSize}");
        Check(MleSteps is >= 0 and <= MaxSteps, "mleSteps", $"must be in [0, {MaxSteps}], got {MleSteps}");
        Check(AdversarialSteps is >= 0 and <= MaxSteps, "adversarialSteps", $"must be in [0, {MaxSteps}], got {AdversarialSteps}");
        Check(TotalSteps >= 1 || MleSteps < 0 || AdversarialSteps < 0, "mleSteps", "mleSteps + adversarialSteps must be at least 1");
        // The schedule's own checks name its fields as this config does (learningRate, warmupSteps, minLearningRateRatio).
        foreach (string problem in new LearningRateSchedule(LearningRate, WarmupSteps, Math.Max(1, MleSteps), MinLearningRateRatio).Problems())
        {
            int colon = problem.IndexOf(' ');
            errors.Add(new ConfigFieldError(problem[..colon], problem[(colon + 1)..]));
        }
        Check(double.IsFinite(WeightDecay) && WeightDecay >= 0, "weightDecay", $"must be a finite number >= 0, got {WeightDecay}");
        Check(double.IsFinite(GradientClip) && GradientClip >= 0, "gradientClip", $"must be a finite number >= 0 (0 = off), got {GradientClip}");
        Check(CriticSteps is >= 1 and <= MaxCriticSteps, "criticSteps", $"must be in [1, {MaxCriticSteps}], got {CriticSteps}");
        Check(double.IsFinite(GradientPenaltyWeight) && GradientPenaltyWeight >= 0, "gradientPenaltyWeight", $"must be a finite number >= 0, got {GradientPenaltyWeight}");
        Check(Positive(CriticLearningRate), "criticLearningRate", $"must be a positive number, got {CriticLearningRate}");
        Check(Positive(AdversarialLearningRate), "adversarialLearningRate", $"must be a positive number, got {AdversarialLearningRate}");
        Check(AdversarialBeta1 is >= 0 and < 1, "adversarialBeta1", $"must be in [0, 1), got {AdversarialBeta1}");
        Check(AdversarialBeta2 is >= 0 and < 1, "adversarialBeta2", $"must be in [0, 1), got {AdversarialBeta2}");
        Check(Positive(GumbelTemperatureStart), "gumbelTemperatureStart", $"must be a positive number, got {GumbelTemperatureStart}");
        Check(Positive(GumbelTemperatureEnd), "gumbelTemperatureEnd", $"must be a positive number, got {GumbelTemperatureEnd}");
        Check(double.IsFinite(MleWeight) && MleWeight >= 0, "mleWeight", $"must be a finite number >= 0, got {MleWeight}");
        Check(ValidateEvery >= 0, "validateEvery", $"must be 0 (only at the end) or more, got {ValidateEvery}");
        Check(Workers is >= 1 and <= MaxWorkers, "workers", $"must be in [1, {MaxWorkers}], got {Workers}");
        Check(Workers <= 1 || AdversarialSteps <= 0, "workers",
            $"is {Workers}, but data-parallel training covers the MLE phase only: adversarialSteps must be 0 (it is {AdversarialSteps}), or workers 1");
        Check(Enum.IsDefined(ParallelMode), "parallelMode", $"must be synchronous or local, got {ParallelMode}");
        Check(LocalSteps is >= 1 and <= MaxLocalSteps, "localSteps", $"must be in [1, {MaxLocalSteps}], got {LocalSteps}");
        Check(Positive(OuterLearningRate) && OuterLearningRate <= 10, "outerLearningRate", $"must be a positive number of at most 10, got {OuterLearningRate}");
        Check(OuterMomentum is >= 0 and < 1, "outerMomentum", $"must be in [0, 1), got {OuterMomentum}");
        Check(Enum.IsDefined(OnWorkerLost), "onWorkerLost", $"must be continue or wait, got {OnWorkerLost}");
        Check(WorkerWaitSeconds is >= 1 and <= MaxWorkerWaitSeconds, "workerWaitSeconds", $"must be in [1, {MaxWorkerWaitSeconds}], got {WorkerWaitSeconds}");
        Check(CheckpointEvery >= 0, "checkpointEvery", $"must be 0 (off) or more, got {CheckpointEvery}");
        Check(double.IsFinite(CheckpointMinutes) && CheckpointMinutes >= 0, "checkpointMinutes", $"must be a finite number >= 0 (0 = off), got {CheckpointMinutes}");
        return errors;
    }

    /// <summary>Throws <see cref="InvalidConfigException"/> naming every wrong field.</summary>
    public RunConfig EnsureValid(Vocabulary? datasetVocabulary = null)
    {
        var errors = Validate(datasetVocabulary);
        if (errors.Count > 0) throw new InvalidConfigException("run config", errors);
        return this;
    }

    private static bool Positive(double value) => double.IsFinite(value) && value > 0;

    public static readonly JsonSerializerOptions JsonOptions = new(TransformerConfig.JsonOptions);

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>
    /// Reads a config; malformed JSON, unknown or missing fields are one <see cref="InvalidConfigException"/> naming the
    /// JSON path. Values are checked by <see cref="Validate"/>.
    /// </summary>
    public static RunConfig FromJson(string json) => ConfigJson.Parse<RunConfig>(json, JsonOptions, "run config JSON");
}
