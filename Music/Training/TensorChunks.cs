using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace MusicCluster.Music.Training;

/// <summary>
/// A float vector (gradients or parameter changes) as compact binary: float32 little-endian, cut into chunks of at
/// most <see cref="MaxChunkBytes"/> so that no single message between silos is huge. No JSON: 4 bytes a number.
/// </summary>
public static class TensorChunks
{
    public const int MaxChunkBytes = 1 << 20;

    /// <summary>Bytes <paramref name="floats"/> numbers take once encoded.</summary>
    public static long BytesOf(long floats) => floats * sizeof(float);

    public static IReadOnlyList<byte[]> Encode(ReadOnlySpan<float> values, int maxChunkBytes = MaxChunkBytes)
    {
        if (maxChunkBytes < sizeof(float)) throw new ArgumentOutOfRangeException(nameof(maxChunkBytes), maxChunkBytes, "a chunk holds at least one float");
        int perChunk = maxChunkBytes / sizeof(float);
        var chunks = new List<byte[]>((values.Length + perChunk - 1) / perChunk);
        for (int start = 0; start < values.Length; start += perChunk)
        {
            var slice = values.Slice(start, Math.Min(perChunk, values.Length - start));
            var bytes = new byte[slice.Length * sizeof(float)];
            if (BitConverter.IsLittleEndian) MemoryMarshal.AsBytes(slice).CopyTo(bytes);
            else for (int i = 0; i < slice.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), slice[i]);
            chunks.Add(bytes);
        }
        return chunks;
    }

    /// <summary>The vector of <paramref name="expectedLength"/> floats the chunks hold, in order; a wrong size is an error naming the chunk.</summary>
    public static float[] Decode(IReadOnlyList<byte[]> chunks, long expectedLength)
    {
        long total = 0;
        for (int i = 0; i < chunks.Count; i++)
        {
            if (chunks[i] is null) throw new ArgumentException($"chunk {i} of {chunks.Count} is missing");
            if (chunks[i].Length % sizeof(float) != 0)
                throw new ArgumentException($"chunk {i} of {chunks.Count} has {chunks[i].Length} bytes, not a whole number of float32 values");
            total += chunks[i].Length;
        }
        if (total != BytesOf(expectedLength))
            throw new ArgumentException($"the chunks hold {total / sizeof(float)} floats, {expectedLength} were expected");
        var values = new float[expectedLength];
        int offset = 0;
        foreach (var chunk in chunks)
        {
            var target = values.AsSpan(offset, chunk.Length / sizeof(float));
            if (BitConverter.IsLittleEndian) MemoryMarshal.Cast<byte, float>(chunk).CopyTo(target);
            else for (int i = 0; i < target.Length; i++) target[i] = BinaryPrimitives.ReadSingleLittleEndian(chunk.AsSpan(i * sizeof(float)));
            offset += target.Length;
        }
        return values;
    }
}
