using MusicCluster.Music.Audio;
using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Notation;

public enum ConversionFormat { MusicXml, Wav, Jianpu }

/// <summary>A conversion that cannot be done as asked: a missing or unreadable input, an unknown format, a bad output path.</summary>
public sealed class ConversionException(string message, Exception? inner = null) : Exception(message, inner);

public sealed record ConversionResult(string InputPath, string OutputPath, ConversionFormat Format, long Bytes, WavEngine? AudioEngine);

/// <summary>
/// Converts a MIDI file to MusicXML, WAV or jianpu SVG (the `musiccluster convert` command). Reading MIDI and encoding
/// MIDI for fluidsynth are injected, so this class works with whatever MIDI reader and writer the application wires in.
/// </summary>
public sealed class PieceConverter(Func<string, Piece> readMidi, Func<Piece, byte[]>? encodeMidi = null, WavRenderOptions? wavOptions = null)
{
    public static readonly IReadOnlyList<string> FormatNames = ["musicxml", "wav", "jianpu"];

    public static ConversionFormat ParseFormat(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "musicxml" => ConversionFormat.MusicXml,
        "wav" => ConversionFormat.Wav,
        "jianpu" => ConversionFormat.Jianpu,
        null or "" => throw new ConversionException($"No output format given: use --to {string.Join("|", FormatNames)}"),
        _ => throw new ConversionException($"Unknown output format '{name}': use one of {string.Join(", ", FormatNames)}"),
    };

    public static string Extension(ConversionFormat format) => format switch
    {
        ConversionFormat.MusicXml => ".musicxml",
        ConversionFormat.Wav => ".wav",
        ConversionFormat.Jianpu => ".svg",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    /// <summary>The input's path with the format's extension: song.mid -> song.musicxml.</summary>
    public static string DefaultOutputPath(string inputPath, ConversionFormat format) => Path.ChangeExtension(inputPath, Extension(format));

    public ConversionResult Convert(string inputPath, ConversionFormat format, string? outputPath = null)
    {
        string input = Path.GetFullPath(inputPath);
        if (Directory.Exists(input)) throw new ConversionException($"Input '{inputPath}' is a folder, not a MIDI file");
        if (!File.Exists(input)) throw new ConversionException($"Input file '{inputPath}' does not exist");
        string output = Path.GetFullPath(outputPath ?? DefaultOutputPath(input, format));
        if (string.Equals(output, input, StringComparison.Ordinal)) throw new ConversionException($"Output '{output}' would overwrite the input");
        string? folder = Path.GetDirectoryName(output);
        if (folder is not null && !Directory.Exists(folder)) throw new ConversionException($"Output folder '{folder}' does not exist");

        Piece piece;
        try { piece = readMidi(input); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The reader's own typed error says what is wrong and where; keep its message and say which file it was.
            throw new ConversionException($"Cannot read '{inputPath}': {e.Message}", e);
        }

        byte[] bytes;
        WavEngine? engine = null;
        try
        {
            (bytes, engine) = Render(piece, format);
        }
        catch (ArgumentException e)
        {
            // The piece itself is unusable (too long, an invalid time signature...): bad input, not a bug.
            throw new ConversionException($"Cannot convert '{inputPath}': {e.Message}", e);
        }
        // Write beside the target and rename, so a failed write never leaves a half file under the final name.
        string temporary = output + ".partial";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, output, overwrite: true);
        return new ConversionResult(input, output, format, bytes.Length, engine);
    }

    private (byte[] Bytes, WavEngine? Engine) Render(Piece piece, ConversionFormat format)
    {
        switch (format)
        {
            case ConversionFormat.MusicXml:
                return (MusicXmlWriter.ToBytes(piece), null);
            case ConversionFormat.Jianpu:
                return (JianpuSvgWriter.ToBytes(piece), null);
            default:
                WavRendering rendering = new WavRenderer(encodeMidi, wavOptions).Render(piece);
                return (rendering.Wav, rendering.Engine);
        }
    }
}
