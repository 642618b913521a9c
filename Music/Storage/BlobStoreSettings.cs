namespace MusicCluster.Music.Storage;

public enum BlobStoreKind { Local, AzureBlob }

/// <summary>Which blob store to use. Local needs <see cref="DataPath"/>; AzureBlob a connection string and container.</summary>
public sealed record BlobStoreSettings
{
    public BlobStoreKind Kind { get; init; } = BlobStoreKind.Local;
    public string DataPath { get; init; } = "data";
    public string? AzureConnectionString { get; init; }
    public string AzureContainer { get; init; } = "musiccluster";
    public StorageRetryPolicy Retry { get; init; } = new();

    /// <summary>
    /// Reads the settings from configuration keys (MusicCluster:DataPath, MusicCluster:Storage:Kind,
    /// MusicCluster:Storage:AzureConnectionString, MusicCluster:Storage:AzureContainer, MusicCluster:Storage:RetrySeconds) through a lookup, so the
    /// web host (IConfiguration) and the CLI (environment variables) share one definition.
    /// </summary>
    public static BlobStoreSettings FromLookup(Func<string, string?> lookup)
    {
        string? kind = lookup("MusicCluster:Storage:Kind");
        var settings = new BlobStoreSettings
        {
            Kind = string.IsNullOrEmpty(kind) ? BlobStoreKind.Local
                : Enum.TryParse(kind, ignoreCase: true, out BlobStoreKind parsed) ? parsed
                : throw new InvalidOperationException($"MusicCluster:Storage:Kind '{kind}' is not one of Local, AzureBlob"),
            DataPath = lookup("MusicCluster:DataPath") is { Length: > 0 } path ? path : "data",
            AzureConnectionString = lookup("MusicCluster:Storage:AzureConnectionString"),
            Retry = StorageRetryPolicy.FromLookup(lookup),
        };
        return lookup("MusicCluster:Storage:AzureContainer") is { Length: > 0 } container ? settings with { AzureContainer = container } : settings;
    }

    /// <summary>The same keys as environment variables (':' written as '__').</summary>
    public static BlobStoreSettings FromEnvironment() => FromLookup(key => Environment.GetEnvironmentVariable(key.Replace(":", "__")));

    /// <summary>Where blobs would go, without touching the store; never shows the connection string.</summary>
    public string Describe() => Kind switch
    {
        BlobStoreKind.Local => $"local folder {Path.GetFullPath(DataPath)}",
        _ => $"Azure Blob container {AzureContainer}" + (string.IsNullOrEmpty(AzureConnectionString) ? " (no connection string configured)" : ""),
    };

    public IBlobStore Create() => Kind switch
    {
        BlobStoreKind.Local => new LocalFolderBlobStore(DataPath),
        BlobStoreKind.AzureBlob => new AzureBlobStore(
            AzureConnectionString ?? throw new InvalidOperationException("Storage kind AzureBlob needs an Azure Storage connection " +
                "string (MusicCluster:Storage:AzureConnectionString)"),
            AzureContainer, Retry),
        _ => throw new InvalidOperationException($"Unknown storage kind {Kind}"),
    };
}
