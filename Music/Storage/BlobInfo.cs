namespace MusicCluster.Music.Storage;

/// <summary>What a store knows about one blob: its validated name, size, content hash and last write.</summary>
public sealed record BlobInfo(string Name, long Length, string Sha256, DateTimeOffset LastModified);
