using MusicCluster.Grains.Interfaces.Training;

namespace MusicCluster.Grains.Training;

/// <summary>A training run's grain state. Epoch grows at every activation and fences the run's writes (<see cref="CheckpointFence"/>).</summary>
[GenerateSerializer]
public sealed class TrainingRunState
{
    [Id(0)] public string RunId { get; set; } = "";
    [Id(1)] public string Name { get; set; } = "";
    [Id(2)] public TrainingRunRequest? Request { get; set; }
    [Id(3)] public string ConfigJson { get; set; } = "";
    [Id(4)] public TrainingRunStatus Status { get; set; }
    [Id(5)] public long Epoch { get; set; }
    [Id(6)] public List<TrainingCheckpointInfo> Checkpoints { get; set; } = [];
    [Id(7)] public long Step { get; set; }
    [Id(8)] public long TotalSteps { get; set; }
    [Id(9)] public string Dataset { get; set; } = "";
    /// <summary>The silo the index placed the run on (parsable silo address).</summary>
    [Id(10)] public string? AssignedSilo { get; set; }
    [Id(11)] public DateTimeOffset CreatedAt { get; set; }
    [Id(12)] public DateTimeOffset UpdatedAt { get; set; }
    [Id(13)] public string? Error { get; set; }
    [Id(14)] public double LearningRate { get; set; }
    [Id(15)] public int? QueuePosition { get; set; }
    [Id(16)] public string Phase { get; set; } = "";
    [Id(17)] public double? LatestValidNll { get; set; }

    public bool Exists => RunId.Length > 0;
}
