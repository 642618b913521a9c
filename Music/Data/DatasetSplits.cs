using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace MusicCluster.Music.Data;

/// <summary>The three splits and the deterministic rule that assigns a file to one of them.</summary>
public static class DatasetSplits
{
    public const string Train = "train", Valid = "valid", Test = "test";

    public static IReadOnlyList<string> All { get; } = [Train, Valid, Test];

    public const string Rule = "SHA-256 of the relative path (UTF-8, '/' separators): first 4 bytes big-endian mod 100; 0-79 train, 80-89 valid, 90-99 test";

    /// <summary>80/10/10 by a hash of the path, so a file keeps its split when others are added or removed.</summary>
    public static string ForRelativePath(string relativePath)
    {
        string normalized = relativePath.Replace('\\', '/');
        uint bucket = BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(normalized))) % 100;
        return bucket < 80 ? Train : bucket < 90 ? Valid : Test;
    }
}
