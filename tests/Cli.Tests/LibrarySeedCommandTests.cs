using System.Text.Json;
using MusicCluster.Music.Midi;
using MusicCluster.Music.Storage;
using MusicCluster.Music.Training;

namespace MusicCluster.Cli.Tests;

/// <summary>`library seed` through the built tool with the shipped model: a few one-bar pieces.</summary>
public class LibrarySeedCommandTests
{
    [Fact]
    public async Task Seed_writes_scored_pieces_with_provenance_and_a_second_run_only_adds_the_missing_ones()
    {
        string data = RepositoryPaths.NewTempFolder("library-seed");
        var first = await CliHarness.RunBuiltToolAsync("library", "seed", "--count", "3", "--bars", "1", "--batch-size", "2", "--threads", "1",
            "--author", "Ada", "--out", data, "--json");
        Assert.True(first.ExitCode == 0, first.Error);
        JsonElement summary = JsonDocument.Parse(first.Output).RootElement;
        Assert.Equal((3, 0), (summary.GetProperty("generated").GetInt32(), summary.GetProperty("alreadyThere").GetInt32()));
        Assert.Equal(ShippedModel.ModelId, summary.GetProperty("modelId").GetString());

        var store = new StarterPieceStore(new LocalFolderBlobStore(data));
        Assert.Equal(["starter-0000", "starter-0001", "starter-0002"], await store.ListIdsAsync());
        var (record, midi) = (await store.ReadAsync("starter-0001"))!.Value;
        Assert.Equal((1, "Ada", ShippedModel.ModelId), (record.Index, record.Author, record.ModelId));
        Assert.StartsWith("Chorale study No. 2", record.Title);
        Assert.Equal("1", record.Parameters["bars"]);
        Assert.InRange(record.Score.Overall, 0, 100);
        Assert.NotEmpty(record.Score.Bars);
        Assert.NotEmpty(MidiFileReader.Read(midi).Notes);
        string before = (await new LocalFolderBlobStore(data).GetInfoAsync(StarterPieceStore.MidiBlob("starter-0000")))!.Sha256;

        var second = await CliHarness.RunBuiltToolAsync("library", "seed", "--count", "4", "--bars", "1", "--threads", "1", "--out", data, "--json");
        Assert.True(second.ExitCode == 0, second.Error);
        JsonElement again = JsonDocument.Parse(second.Output).RootElement;
        Assert.Equal((1, 3), (again.GetProperty("generated").GetInt32(), again.GetProperty("alreadyThere").GetInt32()));
        Assert.Equal(4, (await store.ListIdsAsync()).Count);
        Assert.Equal(before, (await new LocalFolderBlobStore(data).GetInfoAsync(StarterPieceStore.MidiBlob("starter-0000")))!.Sha256);
    }

    [Theory]
    [InlineData("--count", "0", "--count must be from 1 to 100000")]
    [InlineData("--bars", "65", "--bars must be from 1 to 64")]
    public async Task Bad_arguments_exit_2_naming_the_option(string option, string value, string message)
    {
        var result = await CliHarness.RunAsync("library", "seed", "--out", RepositoryPaths.NewTempFolder("library-seed"), option, value);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
    }

    [Fact]
    public async Task A_model_that_does_not_exist_exits_2_naming_it()
    {
        string missing = Path.Combine(RepositoryPaths.NewTempFolder("library-seed"), "nope.ckpt");
        var result = await CliHarness.RunBuiltToolAsync("library", "seed", "--count", "1", "--model", missing, "--out", RepositoryPaths.NewTempFolder("library-seed"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("nope", result.Error);
    }
}
