using System.Xml.Linq;
using MusicCluster.Music.Data;
using MusicCluster.Music.Midi;

namespace MusicCluster.Cli.Tests;

/// <summary>`convert` through the built tool, with the real MIDI reader and writer wired in Program.cs.</summary>
public sealed class ConvertCommandTests
{
    private static string WriteChorale()
    {
        string path = Path.Combine(RepositoryPaths.NewTempFolder("convert"), "chorale.mid");
        MidiFileWriter.WriteFile(SyntheticCorpus.Generate(1, seed: 5)[0], path);
        return path;
    }

    [Theory]
    [InlineData("musicxml", ".musicxml")]
    [InlineData("jianpu", ".svg")]
    public async Task Notation_is_written_next_to_the_input_as_well_formed_xml(string format, string extension)
    {
        string midi = WriteChorale();
        var result = await CliHarness.RunBuiltToolAsync("convert", midi, "--to", format);
        Assert.True(result.ExitCode == 0, result.Error);
        string output = Path.ChangeExtension(midi, extension);
        XDocument document = XDocument.Load(output);
        Assert.NotNull(document.Root);
    }

    [Fact]
    public async Task Wav_goes_to_the_requested_file_with_a_riff_header()
    {
        string midi = WriteChorale();
        string wav = Path.Combine(Path.GetDirectoryName(midi)!, "out", "x.wav");
        Directory.CreateDirectory(Path.GetDirectoryName(wav)!);
        var result = await CliHarness.RunBuiltToolAsync("convert", midi, "--to", "wav", "--out", wav);
        Assert.True(result.ExitCode == 0, result.Error);
        byte[] bytes = File.ReadAllBytes(wav);
        Assert.Equal("RIFF"u8.ToArray(), bytes[..4]);
        Assert.True(bytes.Length > 44 + 44100, "less than half a second of audio");
    }

    [Fact]
    public async Task A_broken_midi_file_exits_2_naming_the_byte_offset()
    {
        string midi = WriteChorale();
        byte[] bytes = File.ReadAllBytes(midi);
        File.WriteAllBytes(midi, bytes[..(bytes.Length / 3)]);
        var result = await CliHarness.RunBuiltToolAsync("convert", midi, "--to", "musicxml");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("byte", result.Error);
        Assert.False(File.Exists(Path.ChangeExtension(midi, ".musicxml")));
    }

    [Fact]
    public async Task An_unknown_format_exits_2()
    {
        var result = await CliHarness.RunBuiltToolAsync("convert", WriteChorale(), "--to", "pdf");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("pdf", result.Error);
    }
}
