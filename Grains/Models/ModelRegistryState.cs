using MusicCluster.Grains.Interfaces.Models;

namespace MusicCluster.Grains.Models;

/// <summary>What the registry keeps: the registered checkpoints (the shipped model is not stored: it is always there) and the promoted default.</summary>
[GenerateSerializer]
public sealed record ModelRegistryState
{
    [Id(0)] public List<CheckpointEntry> Checkpoints { get; init; } = [];

    /// <summary>Null until a promotion: the shipped model is the default.</summary>
    [Id(1)] public ModelRef? Default { get; init; }
}
