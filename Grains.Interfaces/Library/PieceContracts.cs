namespace MusicCluster.Grains.Interfaces.Library;

/// <summary>Formats a piece can be downloaded in; MIDI is stored, the others are rendered on first request and kept.</summary>
public enum PieceFormat { Midi, MusicXml, Wav, Jianpu }

/// <summary>Where a generated piece came from (mirrors the Piece provenance of the Music project).</summary>
[GenerateSerializer, Immutable]
public sealed record PieceProvenance(
    [property: Id(0)] string ModelId,
    [property: Id(1)] string CheckpointId,
    [property: Id(2)] long Seed,
    [property: Id(3)] IReadOnlyDictionary<string, string> Parameters,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] string? Author,
    [property: Id(6)] string? Adviser,
    [property: Id(7)] string? Organisation,
    [property: Id(8)] string? Licence);

/// <summary>A score and the model that gave it (a score never travels without its model).</summary>
[GenerateSerializer, Immutable]
public sealed record PieceScore(
    [property: Id(0)] double Overall,
    [property: Id(1)] IReadOnlyList<double> Bars,
    [property: Id(2)] string ModelId,
    [property: Id(3)] string CheckpointId);

[GenerateSerializer, Immutable]
public sealed record RatingSummary([property: Id(0)] int Count, [property: Id(1)] double Mean);

/// <summary>What creates a piece: its MIDI file and what is known about it.</summary>
[GenerateSerializer, Immutable]
public sealed record NewPiece(
    [property: Id(0)] string Title,
    [property: Id(1)] byte[] Midi,
    [property: Id(2)] PieceProvenance? Provenance,
    [property: Id(3)] PieceScore? Score);

[GenerateSerializer, Immutable]
public sealed record PieceDetails(
    [property: Id(0)] string Id,
    [property: Id(1)] string Title,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] PieceProvenance? Provenance,
    [property: Id(4)] PieceScore? Score,
    [property: Id(5)] RatingSummary Rating,
    [property: Id(6)] int NoteCount,
    [property: Id(7)] double DurationSeconds,
    [property: Id(8)] int Bars,
    [property: Id(9)] string? Damage = null);

/// <summary>One row of the library index.</summary>
[GenerateSerializer, Immutable]
public sealed record PieceSummary(
    [property: Id(0)] string Id,
    [property: Id(1)] string Title,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] double? Score,
    [property: Id(4)] RatingSummary Rating,
    [property: Id(5)] string? ModelId,
    [property: Id(6)] double DurationSeconds,
    /// <summary>Lower-case text the search matches: title and provenance.</summary>
    [property: Id(7)] string SearchText);

public enum LibrarySort { Created, Score, Rating }

[GenerateSerializer, Immutable]
public sealed record LibraryQuery(
    [property: Id(0)] LibrarySort Sort = LibrarySort.Created,
    [property: Id(1)] bool Descending = true,
    [property: Id(2)] int Skip = 0,
    [property: Id(3)] int Take = 50,
    [property: Id(4)] string? Text = null)
{
    public const int MaxTake = 200;
}

[GenerateSerializer, Immutable]
public sealed record LibraryPage(
    [property: Id(0)] IReadOnlyList<PieceSummary> Items,
    [property: Id(1)] int Total,
    [property: Id(2)] int Skip,
    [property: Id(3)] int Take);
