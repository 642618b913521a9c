using System.Text.Json;
using MusicCluster.Music.Data;

namespace MusicCluster.Cli.Tests;

public class EvalCommandTests
{
    private static string Dataset()
    {
        string folder = Path.Combine(RepositoryPaths.NewTempFolder("eval"), "synth");
        DatasetImporter.WriteSynthetic(30, 4, folder, new ImportOptions());
        return folder;
    }

    [Fact]
    public async Task Json_reports_nll_auc_metrics_and_the_model()
    {
        string data = Dataset();
        int realPieces = TokenDataset.Open(data).ReadSplit("test").Count();
        int metricsCalls = 0;
        var result = await CliHarness.RunScoringAsync(new InMemoryScoringModels(), null,
            (real, generated) => { metricsCalls++; return new Dictionary<string, double> { ["pitchClassEntropyOverlap"] = real.Count }; },
            "eval", "--model", "m2", "--data", data, "--split", "test", "--pieces", "3", "--bars", "1", "--temperature", "0.9", "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        var root = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal("m2", root.GetProperty("modelId").GetString());
        Assert.Equal(InMemoryScoringModels.CheckpointId, root.GetProperty("checkpointId").GetString());
        Assert.Equal("test", root.GetProperty("split").GetString());
        Assert.True(root.GetProperty("nllPerToken").GetDouble() > 0);
        Assert.InRange(root.GetProperty("criticAuc").GetDouble(), 0, 1);
        Assert.Equal(TokenDataset.Open(data).ReadSplit("test").Count(), root.GetProperty("ordering").GetProperty("pieces").GetInt32());
        Assert.InRange(root.GetProperty("ordering").GetProperty("realVsShuffledAuc").GetDouble(), 0, 1);
        Assert.InRange(root.GetProperty("ordering").GetProperty("realVsRandomAuc").GetDouble(), 0, 1);
        Assert.Equal(realPieces, root.GetProperty("realPieces").GetInt32());
        Assert.Equal(3, root.GetProperty("generatedPieces").GetInt32());
        Assert.Equal(1, root.GetProperty("generatedBars").GetInt32());
        var realChorale = root.GetProperty("chorale").GetProperty("real");
        Assert.Equal(realPieces, realChorale.GetProperty("pieces").GetInt32());
        Assert.True(realChorale.GetProperty("chordChanges").GetInt32() > 0);
        Assert.InRange(realChorale.GetProperty("chordShare").GetDouble(), 0, 1);
        Assert.InRange(realChorale.GetProperty("scaleConsistency").GetDouble(), 0, 1);
        Assert.Equal(3, root.GetProperty("chorale").GetProperty("generated").GetProperty("pieces").GetInt32());
        Assert.Equal(realPieces, root.GetProperty("metrics").GetProperty("pitchClassEntropyOverlap").GetDouble());
        Assert.Equal(1, metricsCalls);
    }

    [Fact]
    public async Task Bad_split_data_or_model_exit_with_code_2()
    {
        string data = Dataset();
        var models = new InMemoryScoringModels();
        Assert.Equal(2, (await CliHarness.RunScoringAsync(models, null, null, "eval", "--data", data, "--split", "train")).ExitCode);
        var noData = await CliHarness.RunScoringAsync(models, null, null, "eval", "--data", Path.Combine(data, "nothing-here"));
        Assert.Equal(2, noData.ExitCode);
        Assert.Contains("nothing-here", noData.Error);
        var noModel = await CliHarness.RunScoringAsync(models, null, null, "eval", "--data", data, "--model", "missing");
        Assert.Equal(2, noModel.ExitCode);
        Assert.Contains("missing", noModel.Error);
        Assert.Equal(2, (await CliHarness.RunScoringAsync(models, null, null, "eval", "--data", data, "--pieces", "0")).ExitCode);
        var badTemperature = await CliHarness.RunScoringAsync(models, null, null, "eval", "--data", data, "--temperature", "-1");
        Assert.Equal(2, badTemperature.ExitCode);
        Assert.Contains("temperature", badTemperature.Error);
    }

    [Fact]
    public async Task Text_output_says_when_metrics_are_not_wired()
    {
        var result = await CliHarness.RunScoringAsync(new InMemoryScoringModels(), null, null, "eval", "--data", Dataset(), "--max-pieces", "1", "--pieces", "2", "--bars", "1");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("NLL per token", result.Output);
        Assert.Contains("critic AUC", result.Output);
        Assert.Contains("2 generated of 1 bars each", result.Output);
        Assert.Contains("not available", result.Output);
        // One row per chorale figure, real beside generated.
        foreach (string row in new[] { "parallel 5ths/8ves per 100 changes", "chord share", "scale consistency", "notes in voice range", "voices one note at a time" })
            Assert.Matches($@"(?m)^{System.Text.RegularExpressions.Regex.Escape(row)}.*\s+(\d+\.\d+|-)\s+(\d+\.\d+|-)$", result.Output);
    }
}
