using System.Text;
using MusicCluster.Music.Storage;
using Orleans.Storage;

namespace MusicCluster.Grains.Storage;

/// <summary>
/// Orleans grain state kept in an <see cref="IBlobStore"/> (the local folder store in embedded mode), one blob per
/// grain and state name under <c>grains/</c>. The ETag is the blob's SHA-256; a write whose ETag does not match
/// what is stored fails with an <see cref="InconsistentStateException"/>, like Orleans' own providers.
/// </summary>
public sealed class BlobGrainStorage(string providerName, IBlobStore store, IGrainStorageSerializer serializer) : IGrainStorage
{
    // Compare-and-write of one blob must not interleave within this process; grain single activation covers the rest.
    // Striped by blob name, not one lock for all: while storage is unreachable each write retries for up to its
    // budget, and one lock would queue every other grain's write behind it (past the grain call time-out).
    private readonly SemaphoreSlim[] _writeLocks = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    private SemaphoreSlim LockOf(string name) => _writeLocks[(int)((uint)StringComparer.Ordinal.GetHashCode(name) % (uint)_writeLocks.Length)];

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        string name = BlobNameOf(stateName, grainId);
        BlobInfo? info = await store.GetInfoAsync(name);
        if (info is null)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }
        byte[] bytes = await store.ReadVerifiedAsync(name);
        grainState.State = serializer.Deserialize<T>(new BinaryData(bytes));
        grainState.ETag = info.Sha256;
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        string name = BlobNameOf(stateName, grainId);
        byte[] bytes = serializer.Serialize(grainState.State).ToArray();
        SemaphoreSlim writeLock = LockOf(name);
        await writeLock.WaitAsync();
        try
        {
            await CheckETagAsync(name, grainState.ETag);
            BlobInfo written = await store.WriteBytesAsync(name, bytes);
            grainState.ETag = written.Sha256;
            grainState.RecordExists = true;
        }
        finally
        {
            writeLock.Release();
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        string name = BlobNameOf(stateName, grainId);
        SemaphoreSlim writeLock = LockOf(name);
        await writeLock.WaitAsync();
        try
        {
            await CheckETagAsync(name, grainState.ETag);
            await store.DeleteAsync(name);
            grainState.ETag = null;
            grainState.RecordExists = false;
            grainState.State = Activator.CreateInstance<T>();
        }
        finally
        {
            writeLock.Release();
        }
    }

    private async Task CheckETagAsync(string name, string? expected)
    {
        string? stored = (await store.GetInfoAsync(name))?.Sha256;
        if (!string.Equals(stored, expected, StringComparison.Ordinal))
            throw new InconsistentStateException($"Grain state '{name}' in provider '{providerName}' changed since it was read", stored, expected);
    }

    /// <summary>grains/{state}/{grain type}/{grain key}.state, each part escaped to the blob name rules.</summary>
    internal static string BlobNameOf(string stateName, GrainId grainId) =>
        $"grains/{Escape(stateName)}/{Escape(grainId.Type.ToString()!)}/{Escape(grainId.Key.ToString()!)}.state";

    private static string Escape(string part)
    {
        var escaped = new StringBuilder(part.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(part))
        {
            char c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_') escaped.Append(c);
            else escaped.Append('%').Append(b.ToString("X2"));
        }
        return escaped.Length == 0 ? "%" : escaped.ToString();
    }
}
