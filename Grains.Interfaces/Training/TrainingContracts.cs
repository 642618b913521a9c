namespace MusicCluster.Grains.Interfaces.Training;

/// <summary>
/// The hyperparameters a person chooses in the training form. Null fields keep the default of the dataset's
/// config (4 layers, width 128, context 256, ...). Field names are those of the run config JSON, and validation
/// errors name them the same way ("model.layers", "learningRate").
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TrainingSettings
{
    [Id(0)] public int? Layers { get; init; }
    [Id(1)] public int? Heads { get; init; }
    [Id(2)] public int? ModelWidth { get; init; }
    [Id(3)] public int? ContextLength { get; init; }
    [Id(4)] public double? Dropout { get; init; }
    [Id(5)] public double? LearningRate { get; init; }
    [Id(6)] public int? BatchSize { get; init; }
    [Id(7)] public int? MleSteps { get; init; }
    [Id(8)] public int? AdversarialSteps { get; init; }
    [Id(9)] public int? CriticSteps { get; init; }
    [Id(10)] public double? GradientPenaltyWeight { get; init; }
    [Id(11)] public double? GumbelTemperature { get; init; }
    [Id(12)] public double? MleWeight { get; init; }
    [Id(13)] public long? Seed { get; init; }
    [Id(14)] public int? ValidateEvery { get; init; }
    [Id(15)] public int? WarmupSteps { get; init; }
    /// <summary>Data-parallel workers (each trains batchSize windows a step), and how they combine: "synchronous" or "local".</summary>
    [Id(16)] public int? Workers { get; init; }
    [Id(17)] public string? ParallelMode { get; init; }
    /// <summary>Local mode: steps between averagings, and the outer optimizer's learning rate.</summary>
    [Id(18)] public int? LocalSteps { get; init; }
    [Id(19)] public double? OuterLearningRate { get; init; }
    /// <summary>A worker's silo died: "continue" with the others, or "wait" up to workerWaitSeconds for a silo to replace it.</summary>
    [Id(20)] public string? OnWorkerLost { get; init; }
    [Id(21)] public int? WorkerWaitSeconds { get; init; }
}

/// <summary>
/// What a training run is asked to do. Dataset: "synthetic-demo" or the id of a dataset folder under the blob
/// store's datasets/. ConfigJson: a whole run config (as `musiccluster train --config` reads it) used instead of
/// the defaults; Settings then override its fields. CheckpointEvery / CheckpointMinutes: how often to checkpoint
/// (null keeps the config's).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TrainingRunRequest
{
    [Id(0)] public string Dataset { get; init; } = "";
    [Id(1)] public string? ConfigJson { get; init; }
    [Id(2)] public TrainingSettings Settings { get; init; } = new();
    [Id(3)] public int? CheckpointEvery { get; init; }
    [Id(4)] public double? CheckpointMinutes { get; init; }
    [Id(5)] public string? Name { get; init; }
}

/// <summary>One thing wrong with a request: the field as the request/config JSON names it, and what is wrong.</summary>
[GenerateSerializer, Immutable]
public sealed record TrainingFieldError([property: Id(0)] string Field, [property: Id(1)] string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>
/// Queued: waiting for a silo with a free training slot. Running: training (or about to resume on a silo).
/// Paused: stopped with a checkpoint, keeps its slot. Completed: all steps done. Stopped: stopped by a person.
/// Failed: see Error.
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<TrainingRunStatus>))]
public enum TrainingRunStatus { Queued, Running, Paused, Completed, Stopped, Failed }

/// <summary>The figures of one training step (losses per token in nats); adversarial ones are null in MLE steps.</summary>
[GenerateSerializer, Immutable]
public sealed record TrainingMetricsPoint
{
    [Id(0)] public long Step { get; init; }
    [Id(1)] public string Phase { get; init; } = "";
    [Id(2)] public double MleLoss { get; init; }
    [Id(3)] public double GeneratorLoss { get; init; }
    [Id(4)] public double? CriticLoss { get; init; }
    [Id(5)] public double? Wasserstein { get; init; }
    [Id(6)] public double? GradientPenalty { get; init; }
    [Id(7)] public double? ValidNll { get; init; }
    [Id(8)] public double? CriticAuc { get; init; }
    [Id(9)] public double LearningRate { get; init; }
    [Id(10)] public double TokensPerSecond { get; init; }
    [Id(11)] public DateTimeOffset At { get; init; }
    /// <summary>Data-parallel runs: the workers of the step, bytes moved between them, seconds per phase (see TrainingMetrics).</summary>
    [Id(12)] public int? Workers { get; init; }
    [Id(13)] public long? BytesTransferred { get; init; }
    [Id(14)] public double? ComputeSeconds { get; init; }
    [Id(15)] public double? TransferSeconds { get; init; }
    [Id(16)] public double? ReduceSeconds { get; init; }
}

/// <summary>One log line of a run, numbered from 0.</summary>
[GenerateSerializer, Immutable]
public sealed record TrainingLogLine([property: Id(0)] long Number, [property: Id(1)] DateTimeOffset At, [property: Id(2)] string Text);

/// <summary>A checkpoint a run saved (models/{ModelId}/{CheckpointId}.ckpt), with the epoch of the activation that wrote it.</summary>
[GenerateSerializer, Immutable]
public sealed record TrainingCheckpointInfo(
    [property: Id(0)] string ModelId,
    [property: Id(1)] string CheckpointId,
    [property: Id(2)] long Step,
    [property: Id(3)] DateTimeOffset CreatedAt,
    [property: Id(4)] double? ValidNll,
    [property: Id(5)] long Epoch,
    [property: Id(6)] long Length);

/// <summary>A run as it stands.</summary>
[GenerateSerializer, Immutable]
public sealed record TrainingRunSnapshot
{
    [Id(0)] public string RunId { get; init; } = "";
    [Id(1)] public string Name { get; init; } = "";
    [Id(2)] public TrainingRunStatus Status { get; init; }
    [Id(3)] public string Dataset { get; init; } = "";
    [Id(4)] public long Step { get; init; }
    [Id(5)] public long TotalSteps { get; init; }
    [Id(6)] public string Phase { get; init; } = "";
    [Id(7)] public TrainingMetricsPoint? LatestMetrics { get; init; }
    [Id(8)] public double? LatestValidNll { get; init; }
    [Id(9)] public IReadOnlyList<TrainingCheckpointInfo> Checkpoints { get; init; } = [];
    /// <summary>The silo the run trains on (its address), or null while queued.</summary>
    [Id(10)] public string? Silo { get; init; }
    /// <summary>1-based place in the queue while Queued.</summary>
    [Id(11)] public int? QueuePosition { get; init; }
    [Id(12)] public string ConfigJson { get; init; } = "";
    [Id(13)] public double LearningRate { get; init; }
    [Id(14)] public long Epoch { get; init; }
    [Id(15)] public DateTimeOffset CreatedAt { get; init; }
    [Id(16)] public DateTimeOffset UpdatedAt { get; init; }
    [Id(17)] public string? Error { get; init; }
    [Id(18)] public string ModelId { get; init; } = "";
    [Id(19)] public long LogLineCount { get; init; }
    /// <summary>Data-parallel runs: the workers now training (the run's own silo first); empty for a run of one worker.</summary>
    [Id(20)] public IReadOnlyList<TrainingWorkerInfo> Workers { get; init; } = [];

    /// <summary>The run as the list shows it (the one mapping from a snapshot to a summary).</summary>
    public TrainingRunSummary ToSummary() => new()
    {
        RunId = RunId,
        Name = Name,
        Status = Status,
        Dataset = Dataset,
        Step = Step,
        TotalSteps = TotalSteps,
        Silo = Silo,
        LatestValidNll = LatestValidNll,
        CreatedAt = CreatedAt,
        UpdatedAt = UpdatedAt,
        QueuePosition = QueuePosition,
        WorkerSilos = Workers.Select(w => w.Silo).ToList(),
    };
}

/// <summary>What an observer hears: new metrics and log lines, and the run's snapshot after them.</summary>
[GenerateSerializer, Immutable]
public sealed record TrainingRunUpdate(
    [property: Id(0)] TrainingRunSnapshot Run,
    [property: Id(1)] IReadOnlyList<TrainingMetricsPoint> Metrics,
    [property: Id(2)] IReadOnlyList<TrainingLogLine> Log);

/// <summary>A run as the list shows it.</summary>
[GenerateSerializer, Immutable]
public sealed record TrainingRunSummary
{
    [Id(0)] public string RunId { get; init; } = "";
    [Id(1)] public string Name { get; init; } = "";
    [Id(2)] public TrainingRunStatus Status { get; init; }
    [Id(3)] public string Dataset { get; init; } = "";
    [Id(4)] public long Step { get; init; }
    [Id(5)] public long TotalSteps { get; init; }
    [Id(6)] public string? Silo { get; init; }
    [Id(7)] public double? LatestValidNll { get; init; }
    [Id(8)] public DateTimeOffset CreatedAt { get; init; }
    [Id(9)] public DateTimeOffset UpdatedAt { get; init; }
    [Id(10)] public int? QueuePosition { get; init; }
    /// <summary>Data-parallel runs: the silos of its workers, the run's own first.</summary>
    [Id(11)] public IReadOnlyList<string> WorkerSilos { get; init; } = [];
}

/// <summary>
/// A dataset a run can train on: its tokenizer kind ("event", "jsb-grid"), vocabulary and the size of each split, and
/// the settings a run on it should start from where its tokens call for other values than the training form's general
/// defaults (null fields: the form's own).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TrainingDatasetInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string Description,
    [property: Id(2)] string Vocabulary,
    [property: Id(3)] int VocabularySize,
    [property: Id(4)] string Tokenizer,
    [property: Id(5)] IReadOnlyList<TrainingDatasetSplit> Splits,
    [property: Id(6)] TrainingSettings SuggestedSettings)
{
    /// <summary>The split named <paramref name="name"/> ("train", "valid", "test"), or null.</summary>
    public TrainingDatasetSplit? Split(string name) => Splits.FirstOrDefault(s => s.Name == name);
}

/// <summary>One split of a dataset: pieces in the source, sequences (transposed copies included) and tokens.</summary>
[GenerateSerializer, Immutable]
public sealed record TrainingDatasetSplit(
    [property: Id(0)] string Name,
    [property: Id(1)] int SourcePieces,
    [property: Id(2)] int Sequences,
    [property: Id(3)] long Tokens);
