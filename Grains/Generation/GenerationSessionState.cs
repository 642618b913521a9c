using MusicCluster.Grains.Interfaces.Generation;

namespace MusicCluster.Grains.Generation;

/// <summary>A session as stored: written when it starts and when it ends (not per token), so a finished session outlives its activation.</summary>
[GenerateSerializer]
public sealed record GenerationSessionState
{
    [Id(0)] public GenerationSnapshot? Snapshot { get; init; }

    /// <summary>Every update it sent, kept at its end, so a watcher that missed some catches up after the activation has gone.</summary>
    [Id(1)] public IReadOnlyList<GenerationUpdate> Updates { get; init; } = [];
}
