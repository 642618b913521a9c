namespace MusicCluster.Music.Midi;

/// <summary>
/// A MIDI file that breaks the Standard MIDI File format. <see cref="Problem"/> says what is wrong and
/// <see cref="ByteOffset"/> where, counted from the start of the file, so a user can look at the bytes.
/// </summary>
public sealed class MidiFormatException : Exception
{
    public MidiFormatException(string problem, long byteOffset, string? fileName = null)
        : base(fileName is null ? problem : $"{fileName}: {problem}")
    {
        Problem = problem;
        ByteOffset = byteOffset;
        FileName = fileName;
    }

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; }

    /// <summary>The byte of the file where the problem was found (0 = first byte).</summary>
    public long ByteOffset { get; }

    /// <summary>The file the bytes came from, when they came from a file.</summary>
    public string? FileName { get; }

    /// <summary>The same problem, attributed to a file.</summary>
    public MidiFormatException InFile(string fileName) => new(Problem, ByteOffset, fileName);
}
