namespace MusicCluster.Music.Storage;

/// <summary>
/// Named blobs (checkpoints, datasets, pieces, run logs) in a local folder or an Azure Blob container.
/// Writes are atomic: a reader sees the old content or the new, never part of a write. Every blob records its
/// SHA-256. Names are checked by <see cref="BlobName.Validate"/>.
/// </summary>
public interface IBlobStore
{
    /// <summary>Where the blobs live, for logs and `doctor` (never contains secrets).</summary>
    string Description { get; }

    /// <summary>How the store has been answering: retries, give-ups and writes refused for lack of space.</summary>
    StorageHealth Health { get; }

    /// <summary>Writes (or replaces) a blob atomically and returns what was stored.</summary>
    Task<BlobInfo> WriteAsync(string name, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Opens a blob for reading; throws <see cref="BlobNotFoundException"/> when it does not exist.</summary>
    Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The blob's size and hash, or null when it does not exist.</summary>
    Task<BlobInfo?> GetInfoAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Deletes a blob; false when there was none.</summary>
    Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Every blob whose name starts with <paramref name="prefix"/>, in ordinal name order.</summary>
    IAsyncEnumerable<BlobInfo> ListAsync(string prefix = "", CancellationToken cancellationToken = default);
}
