using System.Text.Json;
using MusicCluster.Music.Data;
using MusicCluster.Music.Scoring;

namespace MusicCluster.Cli.Tests;

public class ReferenceCommandTests
{
    private static async Task<string> SynthAsync()
    {
        string data = Path.Combine(RepositoryPaths.NewTempFolder("reference"), "synth");
        var result = await CliHarness.RunAsync("dataset", "synth", "--count", "30", "--seed", "3", "--out", data, "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        return data;
    }

    [Fact]
    public async Task Reference_writes_aggregated_metric_distributions_of_the_split_and_nothing_of_the_pieces()
    {
        string data = await SynthAsync();
        string output = Path.Combine(RepositoryPaths.NewTempFolder("reference"), "model.reference.json");
        var result = await CliHarness.RunAsync("reference", "--data", data, "--out", output, "--bars", "4", "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        JsonElement summary = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal("train", summary.GetProperty("split").GetString());

        ReferenceMetrics reference = ReferenceMetrics.FromJson(File.ReadAllText(output), output);
        int trainPieces = TokenDataset.Open(data).ReadSplit("train").Count();
        Assert.Equal(trainPieces, reference.Pieces);
        Assert.True(reference.Excerpts >= trainPieces, $"{reference.Excerpts} excerpts of {trainPieces} pieces");
        Assert.Equal(4, reference.ExcerptBars);
        Assert.Equal(PieceFeatures.ScalarNames.Order(), reference.Scalars.Keys.Order());
        MetricDistribution range = reference.Scalars["pitch_range"];
        Assert.Equal(reference.Excerpts, range.Count);
        Assert.Equal(range.Count, range.Histogram.Sum());
        Assert.Equal((range.Min, range.Max), (range.Percentiles[0], range.Percentiles[100]));
        Assert.Equal(range.Percentiles.Order(), range.Percentiles);
        Assert.Equal(12, reference.MeanHistograms["pitch_class_histogram"].Length);
        // Only aggregated figures: the document has exactly these top-level fields and no notes or tokens anywhere.
        JsonElement document = JsonDocument.Parse(File.ReadAllText(output)).RootElement;
        Assert.Equal(["excerptBars", "excerpts", "formatVersion", "meanHistograms", "pieces", "scalars", "source", "split"],
            document.EnumerateObject().Select(p => p.Name).Order());
        Assert.DoesNotContain("\"notes\"", File.ReadAllText(output));
        Assert.DoesNotContain("\"tokens\"", File.ReadAllText(output));
    }

    [Fact]
    public async Task A_missing_split_or_data_set_exits_2_naming_it()
    {
        string data = await SynthAsync();
        string output = Path.Combine(RepositoryPaths.NewTempFolder("reference"), "r.json");
        var badSplit = await CliHarness.RunAsync("reference", "--data", data, "--out", output, "--split", "nonesuch");
        Assert.Equal(2, badSplit.ExitCode);
        Assert.Contains("nonesuch", badSplit.Error);
        string missing = Path.Combine(RepositoryPaths.NewTempFolder("reference"), "absent");
        var badData = await CliHarness.RunAsync("reference", "--data", missing, "--out", output);
        Assert.Equal(2, badData.ExitCode);
        Assert.Contains("absent", badData.Error);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void The_shipped_model_comes_with_its_reference()
    {
        string path = ReferenceMetrics.PathFor(Music.Training.ShippedModel.CheckpointPath!);
        ReferenceMetrics reference = ReferenceMetrics.FromJson(File.ReadAllText(path), path);
        Assert.Equal("train", reference.Split);
        Assert.Equal(8, reference.ExcerptBars);
        Assert.Equal(PieceFeatures.ScalarNames.Order(), reference.Scalars.Keys.Order());
    }
}
