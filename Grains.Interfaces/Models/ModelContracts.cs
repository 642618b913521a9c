namespace MusicCluster.Grains.Interfaces.Models;

/// <summary>One checkpoint of one model: what generation and scoring load. The shipped model is ("default", "default").</summary>
[GenerateSerializer, Immutable]
public sealed record ModelRef(
    [property: Id(0)] string ModelId,
    [property: Id(1)] string CheckpointId)
{
    public override string ToString() => $"{ModelId}/{CheckpointId}";
}

/// <summary>
/// A checkpoint known to the registry, with the figures it was saved with (step, valid NLL, critic AUC, ...).
/// Calibrated: a critic calibration is stored beside it, so it can score (and be promoted).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record CheckpointEntry(
    [property: Id(0)] ModelRef Ref,
    [property: Id(1)] long Step,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] IReadOnlyDictionary<string, double> Metrics,
    [property: Id(4)] string? RunId,
    [property: Id(5)] bool Calibrated,
    [property: Id(6)] string? Tokenizer);

/// <summary>A model and its checkpoints, oldest first.</summary>
[GenerateSerializer, Immutable]
public sealed record ModelSummary(
    [property: Id(0)] string ModelId,
    [property: Id(1)] IReadOnlyList<CheckpointEntry> Checkpoints);

/// <summary>Every model, and which checkpoint is the default that generation and scoring use when none is named.</summary>
[GenerateSerializer, Immutable]
public sealed record ModelCatalog(
    [property: Id(0)] ModelRef Default,
    [property: Id(1)] IReadOnlyList<ModelSummary> Models);
