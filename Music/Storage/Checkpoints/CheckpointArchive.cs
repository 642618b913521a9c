using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;

namespace MusicCluster.Music.Storage.Checkpoints;

/// <summary>
/// The bytes of one checkpoint: a JSON metadata document (config, vocabulary, step, metrics) and named binary parts
/// (module weights, optimizer states). Layout: "MCCKPT\0\0", format version (int32 LE), metadata length (int32) and
/// UTF-8 JSON, part count (int32), then per part: name length (int32), UTF-8 name, data length (int64), data.
/// Every length is checked against the bytes that remain, so a truncated or corrupted file is a
/// <see cref="CheckpointFormatException"/> naming the offset, never a huge allocation.
/// </summary>
public sealed class CheckpointArchive
{
    public const int FormatVersion = 1;
    private static readonly byte[] Magic = "MCCKPT\0\0"u8.ToArray();
    private const int MaxNameBytes = 1024;

    public CheckpointArchive(JsonObject metadata, IReadOnlyDictionary<string, byte[]> parts)
    {
        Metadata = metadata;
        Parts = parts;
    }

    public JsonObject Metadata { get; }
    public IReadOnlyDictionary<string, byte[]> Parts { get; }

    public byte[] Part(string name, string source) =>
        Parts.TryGetValue(name, out byte[]? bytes) ? bytes : throw new CheckpointFormatException(source, 0, $"the checkpoint has no part '{name}'");

    public byte[] ToBytes()
    {
        using var buffer = new MemoryStream();
        buffer.Write(Magic);
        WriteInt32(buffer, FormatVersion);
        byte[] metadata = Encoding.UTF8.GetBytes(Metadata.ToJsonString());
        WriteInt32(buffer, metadata.Length);
        buffer.Write(metadata);
        WriteInt32(buffer, Parts.Count);
        Span<byte> length = stackalloc byte[8];
        foreach (var (name, data) in Parts.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            byte[] nameBytes = Encoding.UTF8.GetBytes(name);
            WriteInt32(buffer, nameBytes.Length);
            buffer.Write(nameBytes);
            BinaryPrimitives.WriteInt64LittleEndian(length, data.LongLength);
            buffer.Write(length);
            buffer.Write(data);
        }
        return buffer.ToArray();
    }

    /// <summary>Parses checkpoint bytes; <paramref name="source"/> (a blob or file name) goes into every error.</summary>
    public static CheckpointArchive Parse(ReadOnlySpan<byte> bytes, string source)
    {
        var reader = new Reader(bytes, source);
        ReadOnlySpan<byte> magic = reader.Take(Magic.Length, "the file header");
        if (!magic.SequenceEqual(Magic)) throw new CheckpointFormatException(source, 0, "not a MusicCluster checkpoint (bad magic)");
        int version = reader.Int32("format version");
        if (version != FormatVersion) throw new CheckpointFormatException(source, 8, $"format version {version} is not supported (expected {FormatVersion})");

        int metadataStart = reader.Offset;
        int metadataLength = reader.Int32("metadata length");
        JsonObject metadata;
        try
        {
            metadata = JsonNode.Parse(reader.Take(metadataLength, "metadata").ToArray()) as JsonObject
                ?? throw new CheckpointFormatException(source, metadataStart, "the metadata is not a JSON object");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new CheckpointFormatException(source, metadataStart, $"the metadata is not valid JSON: {e.Message}");
        }

        int count = reader.Int32("part count");
        if (count < 0) throw new CheckpointFormatException(source, reader.Offset - 4, $"negative part count {count}");
        var parts = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            int nameOffset = reader.Offset;
            int nameLength = reader.Int32($"name length of part {i}");
            if (nameLength is < 1 or > MaxNameBytes) throw new CheckpointFormatException(source, nameOffset, $"part {i} has a name length of {nameLength} bytes");
            string name = Encoding.UTF8.GetString(reader.Take(nameLength, $"name of part {i}"));
            int lengthOffset = reader.Offset;
            long length = reader.Int64($"length of part '{name}'");
            if (length < 0 || length > reader.Remaining)
                throw new CheckpointFormatException(source, lengthOffset, $"part '{name}' claims {length} bytes but only {reader.Remaining} remain (truncated file?)");
            if (!parts.TryAdd(name, reader.Take((int)length, $"part '{name}'").ToArray()))
                throw new CheckpointFormatException(source, nameOffset, $"part '{name}' appears twice");
        }
        if (reader.Remaining != 0) throw new CheckpointFormatException(source, reader.Offset, $"{reader.Remaining} unexpected bytes after the last part");
        return new CheckpointArchive(metadata, parts);
    }

    private static void WriteInt32(Stream stream, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        stream.Write(bytes);
    }

    private ref struct Reader(ReadOnlySpan<byte> bytes, string source)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        public int Offset { get; private set; }
        public readonly long Remaining => _bytes.Length - Offset;

        public ReadOnlySpan<byte> Take(int length, string what)
        {
            if (length < 0 || length > Remaining)
                throw new CheckpointFormatException(source, Offset, $"{what} needs {length} bytes but only {Remaining} remain (truncated file?)");
            ReadOnlySpan<byte> slice = _bytes.Slice(Offset, length);
            Offset += length;
            return slice;
        }

        public int Int32(string what) => BinaryPrimitives.ReadInt32LittleEndian(Take(4, what));
        public long Int64(string what) => BinaryPrimitives.ReadInt64LittleEndian(Take(8, what));
    }
}
