using MusicCluster.Grains.Interfaces.Library;

namespace MusicCluster.Grains.Interfaces.Scoring;

/// <summary>
/// A MIDI file to score with a model (null: the default). The result names the model that gave it. Background
/// (a scoring job's piece, not a user waiting): scored after live work on the silo.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ScoreRequest(
    [property: Id(0)] byte[] Midi,
    [property: Id(1)] string? Model = null,
    [property: Id(2)] string? FileName = null,
    [property: Id(3)] bool Background = false);

/// <summary>A scored piece: overall and per-bar scores 0-100 with the model, plus where each bar starts (quarter notes).</summary>
[GenerateSerializer, Immutable]
public sealed record ScoreResult(
    [property: Id(0)] PieceScore Score,
    [property: Id(1)] IReadOnlyList<double> BarStarts);

public enum ScoringJobStatus { Pending, Running, Completed, Failed, Cancelled }

/// <summary>What a scoring job scores: listed pieces, or (PieceIds null) the whole library.</summary>
[GenerateSerializer, Immutable]
public sealed record ScoringJobRequest(
    [property: Id(0)] IReadOnlyList<string>? PieceIds,
    [property: Id(1)] string? Model = null);

[GenerateSerializer, Immutable]
public sealed record ScoringJobProgress(
    [property: Id(0)] Guid JobId,
    [property: Id(1)] ScoringJobStatus Status,
    [property: Id(2)] int Total,
    [property: Id(3)] int Done,
    [property: Id(4)] int Failed,
    [property: Id(5)] string? ModelId,
    [property: Id(6)] string? CheckpointId,
    [property: Id(7)] DateTimeOffset CreatedAt,
    [property: Id(8)] string? Error);
