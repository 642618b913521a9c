using System.Text.Json;
using System.Text.Json.Nodes;

namespace MusicCluster.Music.Storage.Checkpoints;

/// <summary>What the .json beside a checkpoint says: enough to list and compare checkpoints without loading weights.</summary>
public sealed record CheckpointRecord(string ModelId, string CheckpointId, string Blob, long Length, string Sha256, JsonObject Metadata);

/// <summary>
/// Checkpoints in blob storage: <c>models/{modelId}/{checkpointId}.ckpt</c> plus <c>.json</c> (metadata, size,
/// SHA-256). Loading verifies the hash first, so a truncated or corrupted blob fails with its name.
/// <paramref name="beforeWrite"/> (model id, checkpoint id) runs before every save and may throw to refuse it:
/// a training run uses it to fence writes by epoch, so a stale trainer never overwrites a newer checkpoint.
/// </summary>
public sealed class CheckpointStore(IBlobStore store, Func<string, string, CancellationToken, Task>? beforeWrite = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string BlobOf(string modelId, string checkpointId) => BlobName.Validate($"models/{modelId}/{checkpointId}.ckpt");
    public static string RecordOf(string modelId, string checkpointId) => BlobName.Validate($"models/{modelId}/{checkpointId}.json");

    public async Task<CheckpointRecord> SaveAsync(string modelId, string checkpointId, CheckpointArchive archive, CancellationToken cancellationToken = default)
    {
        string blob = BlobOf(modelId, checkpointId);
        if (beforeWrite is not null) await beforeWrite(modelId, checkpointId, cancellationToken);
        BlobInfo written = await store.WriteBytesAsync(blob, archive.ToBytes(), cancellationToken);
        var record = new CheckpointRecord(modelId, checkpointId, blob, written.Length, written.Sha256, (JsonObject)archive.Metadata.DeepClone());
        // The record goes last: a reader that finds it finds the checkpoint it describes.
        await store.WriteTextAsync(RecordOf(modelId, checkpointId), JsonSerializer.Serialize(record, Json), cancellationToken);
        return record;
    }

    public async Task<CheckpointRecord?> GetRecordAsync(string modelId, string checkpointId, CancellationToken cancellationToken = default)
    {
        string name = RecordOf(modelId, checkpointId);
        if (await store.GetInfoAsync(name, cancellationToken) is null) return null;
        try
        {
            return JsonSerializer.Deserialize<CheckpointRecord>(await store.ReadAllTextAsync(name, cancellationToken), Json)
                ?? throw new CheckpointFormatException(name, 0, "the record is empty");
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(name, e.BytePositionInLine ?? 0, $"the record is not valid JSON: {e.Message}");
        }
    }

    /// <summary>The checkpoints of a model, oldest name first.</summary>
    public async Task<IReadOnlyList<CheckpointRecord>> ListAsync(string modelId, CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        await foreach (BlobInfo info in store.ListAsync($"models/{modelId}/", cancellationToken)) names.Add(info.Name);
        // Other .json blobs live beside checkpoints (calibrations: {id}.calibration.json): a record is a .json whose .ckpt is there too.
        var checkpoints = names.Where(n => n.EndsWith(".ckpt", StringComparison.Ordinal)).Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.Ordinal);
        var records = new List<CheckpointRecord>();
        foreach (string name in names.Where(n => n.EndsWith(".json", StringComparison.Ordinal)))
        {
            string checkpointId = Path.GetFileNameWithoutExtension(name);
            if (!checkpoints.Contains(checkpointId)) continue;
            if (await GetRecordAsync(modelId, checkpointId, cancellationToken) is { } record) records.Add(record);
        }
        return records;
    }

    public async Task<CheckpointArchive> LoadAsync(string modelId, string checkpointId, CancellationToken cancellationToken = default)
    {
        string blob = BlobOf(modelId, checkpointId);
        CheckpointRecord record = await GetRecordAsync(modelId, checkpointId, cancellationToken)
            ?? throw new CheckpointFormatException(blob, 0, $"no record {RecordOf(modelId, checkpointId)} (the checkpoint does not exist or was not completely written)");
        byte[] bytes;
        try
        {
            bytes = await store.ReadAllBytesAsync(blob, cancellationToken);
        }
        catch (BlobNotFoundException)
        {
            throw new CheckpointFormatException(blob, 0, "the checkpoint blob is missing");
        }
        if (bytes.LongLength != record.Length)
            throw new CheckpointFormatException(blob, Math.Min(bytes.LongLength, record.Length),
                $"the blob has {bytes.LongLength} bytes but {record.Length} were written (truncated?)");
        string sha = BlobStoreExtensions.Sha256Hex(bytes);
        if (sha != record.Sha256)
            throw new CheckpointFormatException(blob, 0, $"SHA-256 {sha} differs from the recorded {record.Sha256} (corrupted)");
        return CheckpointArchive.Parse(bytes, blob);
    }
}
