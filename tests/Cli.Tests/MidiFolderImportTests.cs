using System.Text.Json;
using MusicCluster.Music.Data;
using MusicCluster.Music.Midi;

namespace MusicCluster.Cli.Tests;

/// <summary>`dataset import --format midi` through the built tool, with the real MIDI reader wired in Program.cs.</summary>
public sealed class MidiFolderImportTests
{
    [Fact]
    public async Task A_folder_of_midi_files_imports_and_a_broken_file_is_skipped_with_its_byte_offset()
    {
        string folder = RepositoryPaths.NewTempFolder("midi-folder");
        var pieces = SyntheticCorpus.Generate(6, seed: 3);
        Directory.CreateDirectory(Path.Combine(folder, "nested"));
        for (int i = 0; i < pieces.Count; i++)
            MidiFileWriter.WriteFile(pieces[i], Path.Combine(folder, i % 2 == 0 ? "nested" : "", $"piece{i}.mid"));
        byte[] good = MidiFileWriter.Write(pieces[0]);
        File.WriteAllBytes(Path.Combine(folder, "broken.mid"), good[..(good.Length / 2)]);
        string output = Path.Combine(RepositoryPaths.NewTempFolder("midi-import"), "dataset");

        var result = await CliHarness.RunBuiltToolAsync("dataset", "import", folder, "--format", "midi", "--out", output, "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        JsonElement summary = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal(6, summary.GetProperty("splits").EnumerateArray().Sum(s => s.GetProperty("pieces").GetInt32()));
        JsonElement skipped = Assert.Single(summary.GetProperty("skipped").EnumerateArray());
        Assert.Contains("broken.mid", skipped.GetRawText());
        Assert.Contains("byte", skipped.GetRawText());
        Assert.True(File.Exists(Path.Combine(output, "manifest.json")));
    }
}
