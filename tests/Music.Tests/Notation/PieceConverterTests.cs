using System.Xml.Linq;
using MusicCluster.Music.Audio;
using MusicCluster.Music.Notation;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Tests.Audio;

namespace MusicCluster.Music.Tests.Notation;

public class PieceConverterTests
{
    private static readonly PieceConverter Converter = new(TestMidiReader.Read, encodeMidi: null, new WavRenderOptions { UseFluidSynth = false });

    private static string WriteMidi(string folder, Piece piece, string name = "song.mid")
    {
        string path = Path.Combine(folder, name);
        File.WriteAllBytes(path, TestMidiEncoder.Encode(piece));
        return path;
    }

    [Theory]
    [InlineData("musicxml", ".musicxml")]
    [InlineData("WAV", ".wav")]
    [InlineData("jianpu", ".svg")]
    public void WritesNextToTheInputByDefault(string format, string extension)
    {
        string folder = RepositoryPaths.NewTempFolder("convert");
        string input = WriteMidi(folder, TestPieces.GMajorMelody());
        ConversionResult result = Converter.Convert(input, PieceConverter.ParseFormat(format));
        Assert.Equal(Path.Combine(folder, "song" + extension), result.OutputPath);
        Assert.True(new FileInfo(result.OutputPath).Length == result.Bytes && result.Bytes > 0);
        Assert.False(File.Exists(result.OutputPath + ".partial"));
    }

    [Fact]
    public void MusicXmlFromAMidiFileHasTheFileNotes()
    {
        string folder = RepositoryPaths.NewTempFolder("convert");
        Piece piece = TestPieces.TwoTracksWithVoices();
        string output = Path.Combine(folder, "out", "score.xml");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        Converter.Convert(WriteMidi(folder, piece), ConversionFormat.MusicXml, output);
        XDocument document = XDocument.Load(output);
        // Sounding notes: every note element that is not a rest and does not continue a tie.
        int sounded = document.Descendants("note").Count(n => n.Element("pitch") is not null && n.Elements("tie").All(t => (string?)t.Attribute("type") != "stop"));
        Assert.Equal(piece.Notes.Count, sounded);
    }

    [Fact]
    public void WavUsesTheBuiltInSynthesizerWithoutAnEncoder()
    {
        string folder = RepositoryPaths.NewTempFolder("convert");
        ConversionResult result = Converter.Convert(WriteMidi(folder, TestPieces.CMajorScale()), ConversionFormat.Wav);
        Assert.Equal(WavEngine.BuiltIn, result.AudioEngine);
        WavInfo info = WavFile.ReadInfo(File.ReadAllBytes(result.OutputPath));
        Assert.Equal(4.0 + 1.0, info.DurationSeconds, 2); // 8 quarters at 120 BPM + release tail
    }

    [Fact]
    public void BadRequestsAreConversionErrorsThatSayWhatIsWrong()
    {
        string folder = RepositoryPaths.NewTempFolder("convert");
        string missing = Path.Combine(folder, "missing.mid");
        Assert.Contains("does not exist", Assert.Throws<ConversionException>(() => Converter.Convert(missing, ConversionFormat.Wav)).Message);
        Assert.Contains("'pdf'", Assert.Throws<ConversionException>(() => PieceConverter.ParseFormat("pdf")).Message);
        Assert.Contains("--to", Assert.Throws<ConversionException>(() => PieceConverter.ParseFormat(null)).Message);

        string input = WriteMidi(folder, TestPieces.CMajorScale());
        var noFolder = Assert.Throws<ConversionException>(() => Converter.Convert(input, ConversionFormat.MusicXml, Path.Combine(folder, "nope", "x.musicxml")));
        Assert.Contains("does not exist", noFolder.Message);

        string garbage = Path.Combine(folder, "garbage.mid");
        File.WriteAllText(garbage, "this is not MIDI");
        var unreadable = Assert.Throws<ConversionException>(() => Converter.Convert(garbage, ConversionFormat.MusicXml));
        Assert.Contains("garbage.mid", unreadable.Message);
        Assert.NotNull(unreadable.InnerException);
        Assert.False(File.Exists(Path.Combine(folder, "garbage.musicxml")));
    }

    [Fact]
    public void AnAbsurdlyLongPieceIsRefusedWithoutAllocatingForIt()
    {
        // One note at tick 2^31: 1.1 million bars of 4/4, nine days of audio.
        string folder = RepositoryPaths.NewTempFolder("convert");
        Piece huge = TestPieces.Make([new Note(60, 1L << 31, 480, 80, 0)]);
        var converter = new PieceConverter(_ => huge, null, new WavRenderOptions { UseFluidSynth = false });
        string input = Path.Combine(folder, "huge.mid");
        File.WriteAllBytes(input, [0]);
        Assert.Contains("too long", Assert.Throws<ConversionException>(() => converter.Convert(input, ConversionFormat.MusicXml)).Message);
        Assert.Contains("too long", Assert.Throws<ConversionException>(() => converter.Convert(input, ConversionFormat.Jianpu)).Message);
        Assert.Contains("too long", Assert.Throws<ConversionException>(() => converter.Convert(input, ConversionFormat.Wav)).Message);
    }
}
