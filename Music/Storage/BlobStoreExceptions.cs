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

/// <summary>
/// The store could not be reached (connection refused, reset, timed out, or the service answered that it is busy or
/// failing) for as long as <see cref="StorageRetryPolicy.Budget"/> allowed, retrying with backoff. Nothing was
/// acknowledged: a write that ends with this exception did not happen as far as the caller knows, and may be tried again.
/// </summary>
public sealed class BlobStoreUnavailableException(string operation, string? name, string store, int attempts, TimeSpan elapsed, Exception last)
    : IOException($"Storage unavailable: {operation}{(name is null ? "" : $" of blob '{name}'")} in {store} failed {attempts} time(s) over " +
        $"{elapsed.TotalSeconds:0.#} s and was given up ({last.GetType().Name}: {last.Message})", last)
{
    public string? BlobName { get; } = name;
    public string Store { get; } = store;
}

/// <summary>
/// A write the file system refused for lack of space (ENOSPC, a full disk; EDQUOT, a quota) or because the file would
/// pass the largest size allowed (EFBIG, a file size limit). What was stored under the name before is left as it was,
/// and no temporary file stays behind. Retrying does not help until an operator frees space.
/// </summary>
public sealed class BlobStoreFullException(string name, string store, Exception cause)
    : IOException($"Storage full: blob '{name}' could not be written to {store} ({cause.Message})", cause)
{
    public string BlobName { get; } = name;
    public string Store { get; } = store;

    // errno values (Linux) and Win32 codes in HResult form that mean "no room for this write".
    private const int Enospc = 28, Edquot = 122;
    private const int WinDiskFull = unchecked((int)0x80070070), WinHandleDiskFull = unchecked((int)0x80070027);

    /// <summary>
    /// True when an exception from writing a file says the disk, a quota or a file size limit has no room for it.
    /// .NET reports ENOSPC and EDQUOT as an IOException whose HResult is the errno, and EFBIG (a write past the file
    /// size limit) as an ArgumentOutOfRangeException for "value" ("Specified file length was too large").
    /// </summary>
    public static bool IsOutOfSpace(Exception e) => e switch
    {
        BlobStoreFullException => false,
        IOException io => io.HResult is Enospc or Edquot or WinDiskFull or WinHandleDiskFull,
        ArgumentOutOfRangeException { ParamName: "value" } => true,
        _ => false,
    };
}
