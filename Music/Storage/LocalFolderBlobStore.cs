using System.Runtime.CompilerServices;
using System.Text.Json;

namespace MusicCluster.Music.Storage;

/// <summary>
/// Blobs as files under a root folder. A write goes to a temporary file in the same file system, is flushed to disk
/// and renamed over the target, so readers see whole blobs only. The SHA-256 of each blob is recorded beside it in
/// <c>.meta/</c>, with the file's length and write time, so a stale record is detected and recomputed.
/// </summary>
public sealed class LocalFolderBlobStore : IBlobStore
{
    private const string MetaFolder = ".meta";
    private const string TempFolder = ".tmp";
    private readonly string _root;

    public LocalFolderBlobStore(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(Path.Combine(_root, TempFolder));
        Directory.CreateDirectory(Path.Combine(_root, MetaFolder));
    }

    public string Root => _root;
    public string Description => $"local folder {_root}";

    public async Task<BlobInfo> WriteAsync(string name, Stream content, CancellationToken cancellationToken = default)
    {
        string path = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temporary = Path.Combine(_root, TempFolder, Guid.NewGuid().ToString("N"));
        try
        {
            (string sha, long length) result;
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                result = await HashingCopy.CopyAsync(content, file, cancellationToken);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
            var info = new BlobInfo(name, result.length, result.sha, File.GetLastWriteTimeUtc(path));
            await WriteRecordAsync(name, info, cancellationToken);
            return info;
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
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
        BlobInfo? recorded = await ReadRecordAsync(name, cancellationToken);
        if (recorded is not null && recorded.Length == file.Length && recorded.LastModified == file.LastWriteTimeUtc)
            return recorded;

        // No record, or one from another write (a crash between the rename and the record): hash the file itself.
        await using var stream = await OpenReadAsync(name, cancellationToken);
        (string sha, long length) = await HashingCopy.CopyAsync(stream, Stream.Null, cancellationToken);
        var info = new BlobInfo(name, length, sha, file.LastWriteTimeUtc);
        await WriteRecordAsync(name, info, cancellationToken);
        return info;
    }

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
            BlobInfo? info = await GetInfoAsync(name, cancellationToken);
            if (info is not null) yield return info;
        }
    }

    private string PathOf(string name) => Path.Combine(_root, BlobName.Validate(name).Replace('/', Path.DirectorySeparatorChar));
    private string RecordPathOf(string name) => Path.Combine(_root, MetaFolder, BlobName.Validate(name).Replace('/', Path.DirectorySeparatorChar) + ".json");

    private async Task WriteRecordAsync(string name, BlobInfo info, CancellationToken cancellationToken)
    {
        string record = RecordPathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(record)!);
        string temporary = Path.Combine(_root, TempFolder, Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(temporary, JsonSerializer.SerializeToUtf8Bytes(info), cancellationToken);
        File.Move(temporary, record, overwrite: true);
    }

    private async Task<BlobInfo?> ReadRecordAsync(string name, CancellationToken cancellationToken)
    {
        string record = RecordPathOf(name);
        try
        {
            return JsonSerializer.Deserialize<BlobInfo>(await File.ReadAllBytesAsync(record, cancellationToken));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            return null;
        }
    }
}
