using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace MusicCluster.Music.Storage;

/// <summary>
/// Blobs in one Azure Blob Storage container. A block blob upload commits all blocks at once, so readers see the
/// old or the new content, never a mix. The SHA-256 is stored as blob metadata <c>sha256</c>. Every operation is
/// retried with backoff while the service cannot be reached (<see cref="StorageRetryPolicy"/>; the SDK's own retries
/// are off so that every try shows in <see cref="Health"/>); a write is acknowledged only once the service has
/// committed it, and one that runs out of retries throws <see cref="BlobStoreUnavailableException"/>.
/// </summary>
public sealed class AzureBlobStore : IBlobStore
{
    private const string ShaMetadataKey = "sha256";
    private readonly BlobContainerClient _container;
    private readonly StorageRetryPolicy _retry;
    private readonly TimeProvider _clock;
    private volatile bool _containerExists;

    public AzureBlobStore(BlobContainerClient container, StorageRetryPolicy? retry = null, StorageHealth? health = null, TimeProvider? clock = null)
    {
        _container = container;
        _retry = retry ?? new StorageRetryPolicy();
        _clock = clock ?? TimeProvider.System;
        Health = health ?? new StorageHealth(Description);
    }

    public AzureBlobStore(string connectionString, string containerName, StorageRetryPolicy? retry = null, StorageHealth? health = null)
        : this(new BlobContainerClient(connectionString, containerName, ClientOptions()), retry, health) { }

    /// <summary>The SDK retries nothing itself (this store does, visibly); one try waits at most 100 s for an answer.</summary>
    public static BlobClientOptions ClientOptions()
    {
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(100);
        return options;
    }

    // Account and container only: the connection string holds the key and is never shown.
    public string Description => $"Azure Blob container {_container.AccountName}/{_container.Name}";

    /// <summary>Retries, give-ups and recoveries of this store's operations.</summary>
    public StorageHealth Health { get; }

    public async Task<BlobInfo> WriteAsync(string name, Stream content, CancellationToken cancellationToken = default)
    {
        BlobName.Validate(name);
        // Hash first (one pass into a buffer file), then upload with the hash in the same commit as the content; the
        // buffer is uploaded again from its start on each retry.
        string temporary = Path.GetTempFileName();
        try
        {
            (string sha, long length) result;
            await using (var buffer = new FileStream(temporary, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous))
            {
                result = await HashingCopy.CopyAsync(content, buffer, cancellationToken);
                var options = new BlobUploadOptions { Metadata = new Dictionary<string, string> { [ShaMetadataKey] = result.sha } };
                Response<BlobContentInfo> response = await RetryAsync("write", name, async token =>
                {
                    await EnsureContainerAsync(token);
                    buffer.Position = 0;
                    try
                    {
                        return await _container.GetBlobClient(name).UploadAsync(buffer, options, token);
                    }
                    catch (RequestFailedException e) when (e.ErrorCode == "ContainerNotFound")
                    {
                        // Deleted behind this store's back (or lost by an emulator's restart): made again, then written.
                        _containerExists = false;
                        await EnsureContainerAsync(token);
                        buffer.Position = 0;
                        return await _container.GetBlobClient(name).UploadAsync(buffer, options, token);
                    }
                }, cancellationToken);
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
            Response<BlobDownloadResult> result = await RetryAsync("read", name,
                token => _container.GetBlobClient(name).DownloadContentAsync(token), cancellationToken);
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
            Response<BlobProperties> properties = await RetryAsync("read of the properties", name,
                token => _container.GetBlobClient(name).GetPropertiesAsync(cancellationToken: token), cancellationToken);
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
        Response<bool> response = await RetryAsync("delete", name,
            token => _container.GetBlobClient(name).DeleteIfExistsAsync(cancellationToken: token), cancellationToken);
        return response.Value;
    }

    public async IAsyncEnumerable<BlobInfo> ListAsync(string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        prefix = BlobName.ValidatePrefix(prefix);
        // The whole listing is one operation: a retry starts it again, so no page is seen twice or missed.
        List<BlobInfo> items = await RetryAsync("list", prefix.Length == 0 ? null : prefix + "*", async token =>
        {
            await EnsureContainerAsync(token);
            var found = new List<BlobInfo>();
            await foreach (BlobItem item in _container.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata, Prefix = prefix }, token))
                found.Add(ToInfo(item.Name, item.Properties.ContentLength ?? 0, item.Metadata, item.Properties.LastModified ?? DateTimeOffset.MinValue));
            return found;
        }, cancellationToken);
        foreach (BlobInfo info in items.OrderBy(i => i.Name, StringComparer.Ordinal))
            yield return info;
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (_containerExists) return;
        await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        _containerExists = true;
    }

    private Task<T> RetryAsync<T>(string operation, string? name, Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken) =>
        _retry.RunAsync(operation, name, Description, Health, attempt, IsTransient, _clock, cancellationToken);

    /// <summary>
    /// Faults that can pass: no answer at all (connection refused or reset, DNS, a time-out: the SDK reports these as
    /// status 0 or as the transport's own exception), and the service's "try later" answers (408, 429, 500, 502, 503, 504).
    /// </summary>
    internal static bool IsTransient(Exception e) => e switch
    {
        RequestFailedException failed => failed.Status is 0 or 408 or 429 or 500 or 502 or 503 or 504,
        AggregateException all => all.InnerExceptions.Count > 0 && all.InnerExceptions.All(IsTransient),
        HttpRequestException or System.Net.Sockets.SocketException or TimeoutException or OperationCanceledException => true,
        BlobNotFoundException or BlobIntegrityException or BlobStoreUnavailableException or BlobStoreFullException => false,
        IOException => true,
        _ => false,
    };

    private static BlobInfo ToInfo(string name, long length, IDictionary<string, string>? metadata, DateTimeOffset lastModified) =>
        new(name, length, metadata is not null && metadata.TryGetValue(ShaMetadataKey, out string? sha) ? sha : "", lastModified);
}
