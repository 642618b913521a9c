using System.Runtime.CompilerServices;
using System.Text.Json;

namespace MusicCluster.Music.Storage;

/// <summary>
/// Blobs as files under a root folder. A write goes to a temporary file in the same file system, is flushed to disk
/// and renamed over the target, so readers see whole blobs only. The SHA-256 of each blob is recorded beside it in
/// <c>.meta/</c> with its length and write time, before the rename, together with the record of the content it
/// replaces: after a crash between the two, the file still holds that content and matches the record's previous
/// entry, so no write that was acknowledged is ever mistaken for damage. A file that matches neither (truncated,
/// changed outside the store) is damaged: <see cref="GetInfoAsync"/> throws <see cref="BlobIntegrityException"/> and
/// the record stays as it was; only a new write repairs the blob. A file without any record (written before records
/// existed, or copied in by an operator) is hashed and recorded as it is when first seen. A write the file system
/// refuses for lack of room (a full disk, a quota, a file size limit) throws <see cref="BlobStoreFullException"/>,
/// leaving the blob and its record as they were and no temporary file behind.
/// </summary>
public sealed class LocalFolderBlobStore : IBlobStore
{
    private const string MetaFolder = ".meta";
    private const string TempFolder = ".tmp";
    private readonly string _root;
    private readonly TimeProvider _clock;

    public LocalFolderBlobStore(string root, TimeProvider? clock = null)
    {
        _root = Path.GetFullPath(root);
        _clock = clock ?? TimeProvider.System;
        Health = new StorageHealth(Description);
        Directory.CreateDirectory(Path.Combine(_root, TempFolder));
        Directory.CreateDirectory(Path.Combine(_root, MetaFolder));
    }

    public string Root => _root;
    public string Description => $"local folder {_root}";

    /// <summary>A local folder is not retried (a full disk does not pass by itself); it reports writes refused for lack of room.</summary>
    public StorageHealth Health { get; }

    public async Task<BlobInfo> WriteAsync(string name, Stream content, CancellationToken cancellationToken = default)
    {
        string path = PathOf(name);
        string temporary = Path.Combine(_root, TempFolder, Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            (string sha, long length) result;
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                result = await HashingCopy.CopyAsync(content, file, cancellationToken);
                file.Flush(flushToDisk: true);
            }
            // A rename keeps the file's write time, so the record can describe the file before it is in place.
            var info = new BlobInfo(name, result.length, result.sha, File.GetLastWriteTimeUtc(temporary));
            IntegrityRecord? replaced = await ReadRecordAsync(name, cancellationToken);
            await WriteRecordAsync(name, new IntegrityRecord(info, File.Exists(path) ? replaced?.Current : null), cancellationToken);
            File.Move(temporary, path, overwrite: true);
            Health.Succeeded(_clock.GetUtcNow());
            return info;
        }
        catch (Exception e) when (BlobStoreFullException.IsOutOfSpace(e))
        {
            // Nothing was renamed into place: the blob and its record are as they were (the record is replaced only
            // by a whole, flushed new record, and only after the content is on disk).
            var full = new BlobStoreFullException(name, Description, e);
            Health.Full(_clock.GetUtcNow(), full.Message);
            throw full;
        }
        finally
        {
            DeleteIfThere(temporary);
        }
    }

    public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default)
    {
        string path = PathOf(name);
        try
        {
            // Rename-based writes never change an open file, so the reader keeps a consistent snapshot.
            return Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, useAsync: true));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BlobNotFoundException(name, Description);
        }
    }

    public async Task<BlobInfo?> GetInfoAsync(string name, CancellationToken cancellationToken = default)
    {
        var file = new FileInfo(PathOf(name));
        if (!file.Exists) return null;
        IntegrityRecord? record = await ReadRecordAsync(name, cancellationToken);
        if (record is not null && record.Current.Length == file.Length && record.Current.LastModified == file.LastWriteTimeUtc)
            return record.Current;

        await using var stream = await OpenReadAsync(name, cancellationToken);
        (string sha, long length) = await HashingCopy.CopyAsync(stream, Stream.Null, cancellationToken);
        var found = new BlobInfo(name, length, sha, file.LastWriteTimeUtc);
        if (record is null || SameContent(found, record.Current))
        {
            // First sight of a file nobody recorded, or the recorded content with a new write time (copied, touched).
            await WriteRecordAsync(name, new IntegrityRecord(found, null), cancellationToken);
            return found;
        }
        if (record.Previous is { } previous && SameContent(found, previous))
        {
            // A crash after the record of a write and before its rename: that write never completed (it was never
            // acknowledged); the file holds the content before it, intact.
            await WriteRecordAsync(name, new IntegrityRecord(found, null), cancellationToken);
            return found;
        }
        throw new BlobIntegrityException(name, Description,
            $"the file has {length} bytes with SHA-256 {sha}, but {record.Current.Length} bytes with SHA-256 {record.Current.Sha256} were written");
    }

    private static bool SameContent(BlobInfo a, BlobInfo b) => a.Length == b.Length && string.Equals(a.Sha256, b.Sha256, StringComparison.Ordinal);

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        string path = PathOf(name);
        bool existed = File.Exists(path);
        if (existed) File.Delete(path);
        string record = RecordPathOf(name);
        if (File.Exists(record)) File.Delete(record);
        return Task.FromResult(existed);
    }

    public async IAsyncEnumerable<BlobInfo> ListAsync(string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        prefix = BlobName.ValidatePrefix(prefix);
        var names = Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(_root, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(name => !name.StartsWith(MetaFolder + "/", StringComparison.Ordinal) && !name.StartsWith(TempFolder + "/", StringComparison.Ordinal))
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (string name in names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            BlobInfo? info;
            try
            {
                info = await GetInfoAsync(name, cancellationToken);
            }
            catch (BlobIntegrityException)
            {
                // A damaged blob is still listed, as it was written; reading it reports the damage.
                info = (await ReadRecordAsync(name, cancellationToken))?.Current;
            }
            if (info is not null) yield return info;
        }
    }

    private string PathOf(string name) => Path.Combine(_root, BlobName.Validate(name).Replace('/', Path.DirectorySeparatorChar));
    private string RecordPathOf(string name) => Path.Combine(_root, MetaFolder, BlobName.Validate(name).Replace('/', Path.DirectorySeparatorChar) + ".json");

    /// <summary>What <c>.meta/{name}.json</c> holds: the blob's content as last written, and the content that write
    /// replaced (until the blob is next verified), so a write interrupted before its rename is told from damage.</summary>
    private sealed record IntegrityRecord(BlobInfo Current, BlobInfo? Previous);

    private async Task WriteRecordAsync(string name, IntegrityRecord record, CancellationToken cancellationToken)
    {
        string path = RecordPathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temporary = Path.Combine(_root, TempFolder, Guid.NewGuid().ToString("N"));
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, useAsync: true))
            {
                await JsonSerializer.SerializeAsync(file, record, cancellationToken: cancellationToken);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            // A record that could not be written whole (no room, cancelled) is not left in the temporary folder.
            DeleteIfThere(temporary);
        }
    }

    private static void DeleteIfThere(string path)
    {
        if (File.Exists(path)) File.Delete(path);
    }

    /// <summary>The record, or null when there is none or it cannot be read. Records written before the previous
    /// entry existed hold a bare <see cref="BlobInfo"/>: read as the current entry.</summary>
    private async Task<IntegrityRecord?> ReadRecordAsync(string name, CancellationToken cancellationToken)
    {
        string path = RecordPathOf(name);
        try
        {
            using var json = JsonDocument.Parse(await File.ReadAllBytesAsync(path, cancellationToken));
            return json.RootElement.TryGetProperty(nameof(IntegrityRecord.Current), out _)
                ? json.RootElement.Deserialize<IntegrityRecord>()
                : new IntegrityRecord(json.RootElement.Deserialize<BlobInfo>()!, null);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return null;
        }
    }
}
