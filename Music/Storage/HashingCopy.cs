using System.Security.Cryptography;

namespace MusicCluster.Music.Storage;

/// <summary>Copies a stream while computing its SHA-256 and length, so a write hashes in the same pass.</summary>
internal static class HashingCopy
{
    public static async Task<(string Sha256, long Length)> CopyAsync(Stream source, Stream destination, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[81920];
        long length = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            length += read;
        }
        return (Convert.ToHexStringLower(hash.GetHashAndReset()), length);
    }
}
