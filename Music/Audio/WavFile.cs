using System.Buffers.Binary;
using System.Text;

namespace MusicCluster.Music.Audio;

/// <summary>A WAV file that cannot be read: what is wrong and at which byte.</summary>
public sealed class WavFormatException(string message, long offset) : Exception($"{message} (at byte {offset})")
{
    public long Offset { get; } = offset;
}

/// <summary>The format and data location of a PCM WAV file.</summary>
public sealed record WavInfo(int Channels, int SampleRate, int BitsPerSample, long DataOffset, long DataLength)
{
    public long Frames => DataLength / (Channels * (BitsPerSample / 8));
    public double DurationSeconds => Frames / (double)SampleRate;
}

/// <summary>
/// Reads and writes RIFF/WAVE PCM files. Reading walks the chunks (fmt, data, and any LIST or other chunk a program
/// such as fluidsynth adds) and checks every length against the file size, so a bad header is a typed error.
/// </summary>
public static class WavFile
{
    /// <summary>A 16-bit PCM WAV of interleaved samples.</summary>
    public static byte[] WritePcm16(ReadOnlySpan<short> samples, int sampleRate, int channels)
    {
        if (sampleRate <= 0) throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "Sample rate must be positive");
        if (channels is < 1 or > 8) throw new ArgumentOutOfRangeException(nameof(channels), channels, "Channels must be 1-8");
        int dataLength = checked(samples.Length * 2);
        var bytes = new byte[44 + dataLength];
        Span<byte> span = bytes;
        Encoding.ASCII.GetBytes("RIFF", span[0..4]);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..8], 36 + dataLength);
        Encoding.ASCII.GetBytes("WAVE", span[8..12]);
        Encoding.ASCII.GetBytes("fmt ", span[12..16]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..20], 16);
        BinaryPrimitives.WriteInt16LittleEndian(span[20..22], 1); // PCM
        BinaryPrimitives.WriteInt16LittleEndian(span[22..24], (short)channels);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..28], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..32], sampleRate * channels * 2);
        BinaryPrimitives.WriteInt16LittleEndian(span[32..34], (short)(channels * 2));
        BinaryPrimitives.WriteInt16LittleEndian(span[34..36], 16);
        Encoding.ASCII.GetBytes("data", span[36..40]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..44], dataLength);
        for (int i = 0; i < samples.Length; i++) BinaryPrimitives.WriteInt16LittleEndian(span.Slice(44 + i * 2, 2), samples[i]);
        return bytes;
    }

    public static WavInfo ReadInfo(ReadOnlySpan<byte> file)
    {
        if (file.Length < 12) throw new WavFormatException($"File is {file.Length} bytes, shorter than a RIFF header", 0);
        if (!file[0..4].SequenceEqual("RIFF"u8)) throw new WavFormatException("Missing 'RIFF' signature", 0);
        if (!file[8..12].SequenceEqual("WAVE"u8)) throw new WavFormatException("Missing 'WAVE' form type", 8);

        (int Channels, int SampleRate, int Bits)? format = null;
        long offset = 12;
        while (offset + 8 <= file.Length)
        {
            ReadOnlySpan<byte> id = file.Slice((int)offset, 4);
            long length = BinaryPrimitives.ReadUInt32LittleEndian(file.Slice((int)offset + 4, 4));
            long body = offset + 8;
            bool isData = id.SequenceEqual("data"u8);
            // Some writers leave the data length at 0 or 0xFFFFFFFF when streaming; then the data runs to the end.
            if (isData && (length == 0 || length == uint.MaxValue)) length = file.Length - body;
            if (body + length > file.Length)
                throw new WavFormatException($"Chunk '{Encoding.ASCII.GetString(id)}' says {length} bytes but only {file.Length - body} remain", offset + 4);
            if (id.SequenceEqual("fmt "u8))
            {
                if (length < 16) throw new WavFormatException($"'fmt ' chunk is {length} bytes, needs 16", offset + 4);
                ReadOnlySpan<byte> fmt = file.Slice((int)body, 16);
                int tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt[0..2]);
                // 0xFFFE (extensible) carries PCM too; its sub-format is not needed for the checks made here.
                if (tag != 1 && tag != 0xFFFE) throw new WavFormatException($"Format tag {tag} is not PCM", body);
                int channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..4]);
                int rate = BinaryPrimitives.ReadInt32LittleEndian(fmt[4..8]);
                int bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..16]);
                if (channels == 0 || rate <= 0 || bits is not (8 or 16 or 24 or 32))
                    throw new WavFormatException($"Unsupported format: {channels} channels, {rate} Hz, {bits} bits", body);
                format = (channels, rate, bits);
            }
            else if (isData)
            {
                if (format is null) throw new WavFormatException("'data' chunk before 'fmt ' chunk", offset);
                return new WavInfo(format.Value.Channels, format.Value.SampleRate, format.Value.Bits, body, length);
            }
            offset = body + length + (length & 1); // chunks are padded to even lengths
        }
        throw new WavFormatException("No 'data' chunk", offset);
    }

    /// <summary>The samples of a 16-bit PCM WAV as floats in [-1, 1), channels interleaved.</summary>
    public static float[] ReadPcm16Samples(ReadOnlySpan<byte> file, out WavInfo info)
    {
        info = ReadInfo(file);
        if (info.BitsPerSample != 16) throw new WavFormatException($"Expected 16-bit samples, found {info.BitsPerSample}-bit", 34);
        var samples = new float[info.DataLength / 2];
        ReadOnlySpan<byte> data = file.Slice((int)info.DataOffset, (int)info.DataLength);
        for (int i = 0; i < samples.Length; i++) samples[i] = BinaryPrimitives.ReadInt16LittleEndian(data.Slice(i * 2, 2)) / 32768f;
        return samples;
    }
}
