using System.Text.Json;
using MusicCluster.Music.Midi;

namespace MusicCluster.Cli.Tests;

/// <summary>A fresh clone generates and scores with the model that ships in Music/DefaultModel, without --model.</summary>
public sealed class ShippedModelTests
{
    [Fact]
    public async Task Generate_and_score_use_the_shipped_model_by_default()
    {
        string folder = RepositoryPaths.NewTempFolder("shipped");
        string midi = Path.Combine(folder, "piece.mid");
        var generated = await CliHarness.RunBuiltToolAsync("generate", "--bars", "4", "--seed", "5", "--candidates", "1", "--out", midi, "--json");
        Assert.True(generated.ExitCode == 0, generated.Error);
        using (var result = JsonDocument.Parse(generated.Output))
        {
            Assert.True(result.RootElement.GetProperty("complete").GetBoolean());
            Assert.EndsWith(Path.Combine("DefaultModel", "default.ckpt"), result.RootElement.GetProperty("model").GetString());
        }
        Assert.NotEmpty(MidiFileReader.ReadFile(midi).Notes);

        var scored = await CliHarness.RunBuiltToolAsync("score", midi, "--json");
        Assert.True(scored.ExitCode == 0, scored.Error);
        using var scores = JsonDocument.Parse(scored.Output);
        Assert.Equal("default", scores.RootElement.GetProperty("model").GetProperty("id").GetString());
        JsonElement file = scores.RootElement.GetProperty("files")[0];
        Assert.InRange(file.GetProperty("score").GetDouble(), 0, 100);
        Assert.Equal(4, file.GetProperty("bars").GetArrayLength());
    }

    [Fact]
    public async Task Generate_keeps_the_best_of_several_candidates_per_bar_when_asked_and_refuses_too_many()
    {
        string folder = RepositoryPaths.NewTempFolder("guided");
        string midi = Path.Combine(folder, "guided.mid");
        var generated = await CliHarness.RunBuiltToolAsync("generate", "--bars", "2", "--seed", "3", "--candidates", "2", "--out", midi, "--json");
        Assert.True(generated.ExitCode == 0, generated.Error);
        using (var result = JsonDocument.Parse(generated.Output))
        {
            Assert.Equal(2, result.RootElement.GetProperty("candidates").GetInt32());
            Assert.True(result.RootElement.GetProperty("complete").GetBoolean());
        }
        var piece = MidiFileReader.ReadFile(midi);
        Assert.Equal("2", piece.Metadata.Provenance!.Parameters["candidates"]);
        Assert.Equal(["Soprano", "Alto", "Tenor", "Bass"], piece.Tracks.Select(t => t.Name));

        var tooMany = await CliHarness.RunBuiltToolAsync("generate", "--bars", "2", "--candidates", "17", "--out", midi);
        Assert.Equal(2, tooMany.ExitCode);
        Assert.Contains("--candidates must be from 1 to 16", tooMany.Error);
    }
}
