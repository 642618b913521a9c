using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace MusicCluster.Music.Storage;

/// <summary>
/// Blobs in one Azure Blob Storage container. A block blob upload commits all blocks at once, so readers see the
/// old or the new content, never a mix. The SHA-256 is stored as blob metadata <c>sha256</c>.
/// </summary>
public sealed class AzureBlobStore : IBlobStore
{
    private const string ShaMetadataKey = "sha256";
    private readonly BlobContainerClient _container;
    private readonly Lazy<Task> _created;

    public AzureBlobStore(BlobContainerClient container)
    {
        _container = container;
        _created = new Lazy<Task>(() => _container.CreateIfNotExistsAsync());
    }

    public AzureBlobStore(string connectionString, string containerName)
        : this(new BlobContainerClient(connectionString, containerName)) { }

    // Account and container only: the connection string holds the key and is never shown.
    public string Description => $"Azure Blob container {_container.AccountName}/{_container.Name}";

    public async Task<BlobInfo> WriteAsync(string name, Stream content, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(name);
        await _created.Value;
        // Hash first (one pass into a buffer file), then upload with the hash in the same commit as the content.
        string temporary = Path.GetTempFileName();
        try
        {
            (string sha, long length) result;
            await using (var buffer = new FileStream(temporary, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous))
            {
                result = await HashingCopy.CopyAsync(content, buffer, cancellationToken);
                buffer.Position = 0;
                var options = new BlobUploadOptions { Metadata = new Dictionary<string, string> { [ShaMetadataKey] = result.sha } };
                Response<BlobContentInfo> response = await _container.GetBlobClient(name).UploadAsync(buffer, options, cancellationToken);
                return new BlobInfo(name, result.length, result.sha, response.Value.LastModified);
            }
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    public async Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(name);
        try
        {
            // Download into memory-backed stream so the content is one consistent version of the blob.
            Response<BlobDownloadResult> result = await _container.GetBlobClient(name).DownloadContentAsync(cancellationToken);
            return result.Value.Content.ToStream();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new BlobNotFoundException(name, Description);
        }
    }

    public async Task<BlobInfo?> GetInfoAsync(string name, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(name);
        try
        {
            Response<BlobProperties> properties = await _container.GetBlobClient(name).GetPropertiesAsync(cancellationToken: cancellationToken);
            return ToInfo(name, properties.Value.ContentLength, properties.Value.Metadata, properties.Value.LastModified);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(name);
        Response<bool> response = await _container.GetBlobClient(name).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        return response.Value;
    }

    public async IAsyncEnumerable<BlobInfo> ListAsync(string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        prefix = BlobName.ValidatePrefix(prefix);
        await _created.Value;
        var items = new List<BlobInfo>();
        await foreach (BlobItem item in _container.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata, Prefix = prefix }, cancellationToken))
            items.Add(ToInfo(item.Name, item.Properties.ContentLength ?? 0, item.Metadata, item.Properties.LastModified ?? DateTimeOffset.MinValue));
        foreach (BlobInfo info in items.OrderBy(i => i.Name, StringComparer.Ordinal))
            yield return info;
    }

    private static BlobInfo ToInfo(string name, long length, IDictionary<string, string>? metadata, DateTimeOffset lastModified) =>
        new(name, length, metadata is not null && metadata.TryGetValue(ShaMetadataKey, out string? sha) ? sha : "", lastModified);
}
