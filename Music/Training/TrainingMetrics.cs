namespace MusicCluster.Music.Training;

/// <summary>The phase a training step belongs to.</summary>
public enum TrainingPhase { Mle, Adversarial }

/// <summary>
/// What one training step measured. Losses are per token in nats. Adversarial fields are null in MLE steps;
/// <see cref="ValidNll"/> only on steps that validated.
/// </summary>
public sealed record TrainingMetrics
{
    public required long Step { get; init; }
    public required TrainingPhase Phase { get; init; }
    /// <summary>Teacher-forced cross-entropy of the generator on the step's batch (nats per token).</summary>
    public required double MleLoss { get; init; }
    /// <summary>Generator loss: the MLE loss in pre-training; -critic(fake) + mleWeight x MLE when adversarial.</summary>
    public required double GeneratorLoss { get; init; }
    /// <summary>Mean over the step's critic updates of critic(fake) - critic(real) + lambda x penalty.</summary>
    public double? CriticLoss { get; init; }
    /// <summary>Mean over the step's critic updates of critic(real) - critic(fake).</summary>
    public double? Wasserstein { get; init; }
    public double? GradientPenalty { get; init; }
    public double? GumbelTemperature { get; init; }
    public double? ValidNll { get; init; }
    /// <summary>On validating steps of the adversarial phase: the critic's AUC, valid split's real windows vs. generated (<see cref="ValidationCriticAuc"/>).</summary>
    public double? CriticAuc { get; init; }
    public required double LearningRate { get; init; }
    /// <summary>Tokens (batch x context) the generator trained on per second of this step.</summary>
    public required double TokensPerSecond { get; init; }

    /// <summary>Data-parallel steps: the workers that trained it.</summary>
    public int? Workers { get; init; }
    /// <summary>Data-parallel: bytes of gradients or parameters moved between workers for this step (local mode: for the round, on its last step).</summary>
    public long? BytesTransferred { get; init; }
    /// <summary>Data-parallel, per phase (the slowest worker where they run side by side): computing, moving vectors, averaging (and the outer step).</summary>
    public double? ComputeSeconds { get; init; }
    public double? TransferSeconds { get; init; }
    public double? ReduceSeconds { get; init; }
}
