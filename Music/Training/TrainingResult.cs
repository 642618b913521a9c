using MusicCluster.Music.Storage.Checkpoints;

namespace MusicCluster.Music.Training;

/// <summary>How a <see cref="Trainer.Run"/> call ended.</summary>
public enum TrainingStop { Finished, StepLimit, TimeLimit, Cancelled }

/// <summary>The outcome of one <see cref="Trainer.Run"/> call: the steps completed so far, why it stopped, the checkpoints it saved, and every step's metrics.</summary>
public sealed record TrainingResult(long Step, TrainingStop Stop, IReadOnlyList<CheckpointRecord> Checkpoints, IReadOnlyList<TrainingMetrics> Metrics, double? LastValidNll);
