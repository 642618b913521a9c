namespace MusicCluster.Music.Storage;

/// <summary>A blob name that could escape the store or that a backend cannot hold.</summary>
public sealed class InvalidBlobNameException(string name, string reason)
    : ArgumentException($"Invalid blob name '{name}': {reason}")
{
    public string BlobName { get; } = name;
}

/// <summary>A read of a blob that does not exist.</summary>
public sealed class BlobNotFoundException(string name, string store)
    : FileNotFoundException($"Blob '{name}' does not exist in {store}")
{
    public string BlobName { get; } = name;
}

/// <summary>
/// A stored blob whose content no longer matches the SHA-256 recorded when it was written (truncated, overwritten
/// outside the store, bit rot). The record is left as it is: only a new write of the blob repairs it.
/// </summary>
public sealed class BlobIntegrityException(string name, string store, string problem)
    : IOException($"Blob '{name}' in {store} is damaged: {problem}")
{
    public string BlobName { get; } = name;
}
