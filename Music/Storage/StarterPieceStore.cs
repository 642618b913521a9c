using System.Text.Json;
using System.Text.Json.Serialization;
using MusicCluster.Music.Midi;
using MusicCluster.Music.Training;

namespace MusicCluster.Music.Storage;

/// <summary>The score of a pre-generated piece as written beside its MIDI file.</summary>
public sealed record StarterScoreRecord(double Overall, IReadOnlyList<double> Bars, string ModelId, string CheckpointId);

/// <summary>What `musiccluster library seed` writes beside each MIDI file: title, score and provenance.</summary>
public sealed record StarterPieceRecord(
    string Id, int Index, string Title, string ModelId, string CheckpointId, long Seed, IReadOnlyDictionary<string, string> Parameters,
    DateTimeOffset CreatedAt, StarterScoreRecord Score, string? Author, string? Adviser, string? Organisation, string? Licence);

/// <summary>
/// Pre-generated starter pieces in a blob store: <c>library-seed/{id}.mid</c> and <c>library-seed/{id}.json</c>.
/// `musiccluster library seed --out &lt;data folder&gt;` writes them; the silo's library seeder adds them to the
/// library at its next start instead of generating those pieces itself. The JSON is written last, so a piece counts
/// only once both files are complete.
/// </summary>
public sealed class StarterPieceStore(IBlobStore blobs)
{
    public const string Prefix = "library-seed/";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string MidiBlob(string id) => $"{Prefix}{id}.mid";

    public static string RecordBlob(string id) => $"{Prefix}{id}.json";

    public async Task WriteAsync(StarterPiece piece, string? author, string? adviser, string? organisation, string? licence, CancellationToken cancellation = default)
    {
        byte[] midi = MidiFileWriter.Write(piece.Piece with { Metadata = piece.Piece.Metadata with { Title = piece.Title } });
        var record = new StarterPieceRecord(piece.Id, piece.Index, piece.Title, piece.ModelId, piece.CheckpointId, piece.Seed, piece.Parameters, piece.CreatedAt,
            new StarterScoreRecord(piece.Score.Overall, piece.Score.Bars, piece.Score.ModelId, piece.Score.CheckpointId), author, adviser, organisation, licence);
        await blobs.WriteBytesAsync(MidiBlob(piece.Id), midi, cancellation);
        await blobs.WriteTextAsync(RecordBlob(piece.Id), JsonSerializer.Serialize(record, Json), cancellation);
    }

    /// <summary>The ids of every complete pre-generated piece (those with their JSON record), in order.</summary>
    public async Task<IReadOnlyList<string>> ListIdsAsync(CancellationToken cancellation = default)
    {
        var ids = new List<string>();
        await foreach (BlobInfo blob in blobs.ListAsync(Prefix, cancellation))
            if (blob.Name.EndsWith(".json", StringComparison.Ordinal))
                ids.Add(blob.Name[Prefix.Length..^".json".Length]);
        return ids;
    }

    /// <summary>The piece's record and MIDI, or null when it has not been written (completely). Throws InvalidDataException (a bad record) or BlobIntegrityException (a damaged
    /// blob) naming the blob when unreadable.</summary>
    public async Task<(StarterPieceRecord Record, byte[] Midi)?> ReadAsync(string id, CancellationToken cancellation = default)
    {
        string recordBlob = RecordBlob(id), midiBlob = MidiBlob(id);
        if (await blobs.GetInfoAsync(recordBlob, cancellation) is null || await blobs.GetInfoAsync(midiBlob, cancellation) is null) return null;
        StarterPieceRecord? record;
        try
        {
            record = JsonSerializer.Deserialize<StarterPieceRecord>(await blobs.ReadVerifiedAsync(recordBlob, cancellation), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{recordBlob}: not a starter piece record ({e.Message})", e);
        }
        if (record is null || record.Id != id || string.IsNullOrWhiteSpace(record.Title) || record.Score is null || record.Parameters is null)
            throw new InvalidDataException($"{recordBlob}: the record must name id '{id}' and have a title, a score and parameters");
        return (record, await blobs.ReadVerifiedAsync(midiBlob, cancellation));
    }
}
