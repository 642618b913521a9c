using System.Text.Json;
using MusicCluster.Music.Midi;

namespace MusicCluster.Cli.Tests;

/// <summary>train -> generate -> the project's MIDI reader, through the built tool as a user runs it.</summary>
public sealed class TrainGenerateEndToEndTests : IDisposable
{
    private readonly string folder = RepositoryPaths.NewTempFolder("cli-train-generate");

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task A_model_trained_by_the_tool_generates_a_midi_file_the_reader_reads_back()
    {
        string data = await TrainCommandTests.SynthesizeAsync(folder);
        string config = Path.Combine(folder, "run.json");
        File.WriteAllText(config, TrainCommandTests.TinyConfig(mleSteps: 15));
        var trained = await CliHarness.RunBuiltToolAsync("train", "--data", data, "--config", config, "--out", Path.Combine(folder, "out"), "--json", "--threads", "1");
        Assert.True(trained.ExitCode == 0, trained.Error);
        string model;
        using (var summary = JsonDocument.Parse(trained.Output)) model = summary.RootElement.GetProperty("checkpointPath").GetString()!;

        string midi = Path.Combine(folder, "generated.mid");
        var generated = await CliHarness.RunBuiltToolAsync("generate", "--model", model, "--bars", "3", "--seed", "7", "--top-k", "40", "--out", midi, "--json");
        Assert.True(generated.ExitCode == 0, generated.Error);
        using var result = JsonDocument.Parse(generated.Output);
        Assert.True(result.RootElement.GetProperty("complete").GetBoolean());

        var piece = MidiFileReader.ReadFile(midi);
        Assert.Equal(result.RootElement.GetProperty("notes").GetInt32(), piece.Notes.Count);
    }
}
