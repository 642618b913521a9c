namespace MusicCluster.Grains.Scoring;

/// <summary>
/// A slice of a scoring job (key "{jobId}/{n}"), placed at random so a job's slices run on many silos; each scores
/// its pieces with its own silo's Scorer and records the scores. Internal to the Grains project.
/// </summary>
public interface IScoringShardGrain : IGrainWithStringKey
{
    /// <summary>Scores the pieces; returns how many were scored and how many failed.</summary>
    Task<ShardResult> ScoreAsync(IReadOnlyList<string> pieceIds, string model);
}

[GenerateSerializer, Immutable]
public sealed record ShardResult([property: Id(0)] int Done, [property: Id(1)] int Failed, [property: Id(2)] string? Silo);
