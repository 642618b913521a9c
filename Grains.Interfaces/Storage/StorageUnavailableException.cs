namespace MusicCluster.Grains.Interfaces.Storage;

/// <summary>Why blob storage refused work: it could not be reached within its retry budget, or it has no room.</summary>
public enum StorageFault { Unreachable, Full }

/// <summary>
/// A grain call that needed blob storage (pieces, checkpoints, grain state, run logs) and could not use it: the store
/// was unreachable for longer than its retry budget, or a write was refused for lack of space. Nothing the call would
/// have written was acknowledged; what was stored before is intact. The web app answers 503 (unreachable, with
/// Retry-After) or 507 (full) with a problem detail naming the store.
/// </summary>
[GenerateSerializer]
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException()
    {
    }

    public StorageUnavailableException(StorageFault fault, string store, string? blobName, string message) : base(message)
    {
        Fault = fault;
        Store = store;
        BlobName = blobName;
    }

    [Id(0)] public StorageFault Fault { get; init; }

    /// <summary>The store's description (a folder or an account/container; never a connection string).</summary>
    [Id(1)] public string Store { get; init; } = "";

    [Id(2)] public string? BlobName { get; init; }
}
