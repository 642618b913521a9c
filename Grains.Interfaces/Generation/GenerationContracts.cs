namespace MusicCluster.Grains.Interfaces.Generation;

/// <summary>What a generation session is asked for. Model: null for the default, else as IModelRegistryGrain.ResolveAsync reads it.</summary>
[GenerateSerializer, Immutable]
public sealed record GenerationRequest(
    [property: Id(0)] int Bars,
    [property: Id(1)] double Temperature = GenerationRequest.DefaultTemperature,
    [property: Id(2)] int? TopK = null,
    [property: Id(3)] double? TopP = null,
    [property: Id(4)] long? Seed = null,
    [property: Id(5)] string? Model = null,
    /// <summary>A library piece whose notes the generation continues.</summary>
    [property: Id(6)] string? PrimerPieceId = null,
    /// <summary>An uploaded MIDI file the generation continues (instead of a library piece).</summary>
    [property: Id(7)] byte[]? PrimerMidi = null,
    [property: Id(8)] string? Title = null,
    /// <summary>Critic-guided sampling: the best of this many continuations per bar, by the critic (1 = off; null = the default for the model).</summary>
    [property: Id(9)] int? Candidates = null,
    /// <summary>Set: harmonise this melody (alto, tenor and bass under it) instead of generating; Bars comes from the melody.</summary>
    [property: Id(10)] HarmonisationInput? Harmonisation = null,
    /// <summary>Set: rewrite these bars of a library piece instead of generating; Bars is the number of bars rewritten.</summary>
    [property: Id(11)] RegenerationInput? Regeneration = null)
{
    public const int MaxBars = 64;

    /// <summary>What a request without a temperature samples at: Music's PieceGeneration.DefaultTemperature (this project cannot reference it).</summary>
    public const double DefaultTemperature = 0.9;
}

/// <summary>A note of a melody given as a list: MIDI pitch, start and duration in quarter notes from the start.</summary>
[GenerateSerializer, Immutable]
public sealed record MelodyNoteInput(
    [property: Id(0)] int Pitch,
    [property: Id(1)] double Start,
    [property: Id(2)] double Duration);

/// <summary>The melody a harmonisation keeps, given one way: a MIDI file, a library piece's top voice, or a list of notes.</summary>
[GenerateSerializer, Immutable]
public sealed record HarmonisationInput(
    [property: Id(0)] byte[]? MelodyMidi = null,
    [property: Id(1)] string? MelodyPieceId = null,
    [property: Id(2)] IReadOnlyList<MelodyNoteInput>? MelodyNotes = null)
{
    /// <summary>Most notes a melody given as a list may hold.</summary>
    public const int MaxMelodyNotes = 4096;
}

/// <summary>Bars of a library piece to rewrite, numbered from 1 and inclusive, in all voices or in the named ones (soprano, alto, tenor, bass).</summary>
[GenerateSerializer, Immutable]
public sealed record RegenerationInput(
    [property: Id(0)] string PieceId,
    [property: Id(1)] int FromBar,
    [property: Id(2)] int ToBar,
    [property: Id(3)] IReadOnlyList<string>? Voices = null);

public enum GenerationStatus { Pending, Running, Completed, Cancelled, Failed }

/// <summary>A note as it appears: times in quarter notes from the start of the piece, MIDI pitch and velocity.</summary>
[GenerateSerializer, Immutable]
public sealed record GeneratedNote(
    [property: Id(0)] double Start,
    [property: Id(1)] double Duration,
    [property: Id(2)] int Pitch,
    [property: Id(3)] int Velocity,
    [property: Id(4)] int Voice,
    [property: Id(5)] int Bar);

/// <summary>The live, calibrated 0-100 score of one completed bar.</summary>
[GenerateSerializer, Immutable]
public sealed record BarScoreUpdate(
    [property: Id(0)] int Bar,
    [property: Id(1)] double Score);

/// <summary>What happened since the last update: new notes and newly scored bars. Sequence numbers count updates from 1.</summary>
[GenerateSerializer, Immutable]
public sealed record GenerationUpdate(
    [property: Id(0)] Guid SessionId,
    [property: Id(1)] long Sequence,
    [property: Id(2)] GenerationStatus Status,
    [property: Id(3)] IReadOnlyList<GeneratedNote> Notes,
    [property: Id(4)] IReadOnlyList<BarScoreUpdate> BarScores,
    [property: Id(5)] int Tokens,
    [property: Id(6)] string? PieceId,
    [property: Id(7)] double? OverallScore,
    [property: Id(8)] string? Error);

/// <summary>The whole session as it stands.</summary>
[GenerateSerializer, Immutable]
public sealed record GenerationSnapshot(
    [property: Id(0)] Guid SessionId,
    [property: Id(1)] GenerationStatus Status,
    [property: Id(2)] GenerationRequest Request,
    [property: Id(3)] string ModelId,
    [property: Id(4)] string CheckpointId,
    [property: Id(5)] long Seed,
    [property: Id(6)] IReadOnlyList<GeneratedNote> Notes,
    [property: Id(7)] IReadOnlyList<BarScoreUpdate> BarScores,
    [property: Id(8)] int Tokens,
    [property: Id(9)] string? PieceId,
    [property: Id(10)] double? OverallScore,
    [property: Id(11)] string? Error,
    [property: Id(12)] DateTimeOffset CreatedAt,
    [property: Id(13)] long Sequence,
    [property: Id(14)] string? SiloAddress);
