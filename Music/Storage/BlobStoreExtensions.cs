using System.Security.Cryptography;
using System.Text;

namespace MusicCluster.Music.Storage;

/// <summary>Convenience reads and writes on top of <see cref="IBlobStore"/>.</summary>
public static class BlobStoreExtensions
{
    public static async Task<BlobInfo> WriteBytesAsync(this IBlobStore store, string name, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        using var stream = new MemoryStream(bytes.ToArray(), writable: false);
        return await store.WriteAsync(name, stream, cancellationToken);
    }

    public static Task<BlobInfo> WriteTextAsync(this IBlobStore store, string name, string text, CancellationToken cancellationToken = default) =>
        store.WriteBytesAsync(name, Encoding.UTF8.GetBytes(text), cancellationToken);

    public static async Task<byte[]> ReadAllBytesAsync(this IBlobStore store, string name, CancellationToken cancellationToken = default)
    {
        await using Stream stream = await store.OpenReadAsync(name, cancellationToken);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    public static async Task<string> ReadAllTextAsync(this IBlobStore store, string name, CancellationToken cancellationToken = default) =>
        Encoding.UTF8.GetString(await store.ReadAllBytesAsync(name, cancellationToken));

    /// <summary>Reads a blob and checks its content against the recorded SHA-256.</summary>
    public static async Task<byte[]> ReadVerifiedAsync(this IBlobStore store, string name, CancellationToken cancellationToken = default)
    {
        BlobInfo info = await store.GetInfoAsync(name, cancellationToken) ?? throw new BlobNotFoundException(name, store.Description);
        byte[] bytes = await store.ReadAllBytesAsync(name, cancellationToken);
        string actual = Sha256Hex(bytes);
        if (!string.Equals(actual, info.Sha256, StringComparison.Ordinal))
            throw new BlobIntegrityException(name, store.Description, $"its content has SHA-256 {actual}, not the recorded {info.Sha256}");
        return bytes;
    }

    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
