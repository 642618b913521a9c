using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Midi;

/// <summary>
/// Reads Standard MIDI Files (formats 0, 1 and 2; ticks-per-quarter time division) into a <see cref="Piece"/>.
/// Any malformed file ends in a <see cref="MidiFormatException"/> that names the byte and what is wrong.
/// See <see cref="PieceAssembler"/> for how events become notes and tracks.
/// </summary>
public static class MidiFileReader
{
    /// <summary>Files larger than this are refused before they are read (the largest real MIDI files are a few MB).</summary>
    public const int DefaultMaxFileBytes = 64 * 1024 * 1024;

    public static Piece Read(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return StandardMidiFileParser.Parse(bytes, bytes.Length);
    }

    /// <summary>Reads a whole stream; refuses one longer than <paramref name="maxFileBytes"/>.</summary>
    public static Piece Read(Stream stream, int maxFileBytes = DefaultMaxFileBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > maxFileBytes) throw TooLarge(maxFileBytes);
            buffer.Write(chunk, 0, read);
        }
        return StandardMidiFileParser.Parse(buffer.GetBuffer(), (int)buffer.Length);
    }

    /// <summary>Reads a file; a format error names the file.</summary>
    public static Piece ReadFile(string path, int maxFileBytes = DefaultMaxFileBytes)
    {
        try
        {
            if (new FileInfo(path).Length > maxFileBytes) throw TooLarge(maxFileBytes);
            return Read(File.ReadAllBytes(path));
        }
        catch (MidiFormatException e) when (e.FileName is null)
        {
            throw e.InFile(path);
        }
    }

    private static MidiFormatException TooLarge(int maxFileBytes) =>
        new($"file is larger than the limit of {maxFileBytes} bytes for a MIDI file", maxFileBytes);
}
