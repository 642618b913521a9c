using System.Text.Json;

namespace MusicCluster.Cli.Tests;

/// <summary>`train` on a tiny synthetic dataset: JSON summary, checkpoints in the blob layout, --resume, and exit 2 for bad configs.</summary>
public sealed class TrainCommandTests : IDisposable
{
    private readonly string folder = RepositoryPaths.NewTempFolder("cli-train");

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>A run config for a tiny model over the event vocabulary (634 tokens).</summary>
    internal static string TinyConfig(int mleSteps = 12, string extra = "") => $$"""
        {"model": {"vocabSize": 634, "contextLength": 48, "layers": 2, "heads": 2, "modelWidth": 32, "feedForwardWidth": 64, "dropout": 0.0, "padTokenId": 0},
         "critic": {"layers": 1, "heads": 2, "modelWidth": 16, "feedForwardWidth": 32, "dropout": 0.0},
         "batchSize": 4, "learningRate": 0.003, "warmupSteps": 2, "mleSteps": {{mleSteps}}, "validateEvery": 0, "checkpointEvery": 0, "checkpointMinutes": 0{{extra}}}
        """;

    internal static async Task<string> SynthesizeAsync(string folder)
    {
        string data = Path.Combine(folder, "data");
        var result = await CliHarness.RunAsync("dataset", "synth", "--count", "12", "--seed", "3", "--out", data, "--json");
        Assert.Equal(0, result.ExitCode);
        return data;
    }

    [Fact]
    public async Task Trains_writes_a_checkpoint_and_resumes_from_the_newest()
    {
        string data = await SynthesizeAsync(folder);
        string config = Path.Combine(folder, "run.json");
        File.WriteAllText(config, TinyConfig(mleSteps: 12));
        string output = Path.Combine(folder, "out");

        var first = await CliHarness.RunAsync("train", "--data", data, "--config", config, "--steps", "5", "--out", output, "--json", "--threads", "1");
        Assert.True(first.ExitCode == 0, first.Error);
        using var summary = JsonDocument.Parse(first.Output);
        Assert.Equal(5, summary.RootElement.GetProperty("step").GetInt64());
        Assert.Equal("steplimit", summary.RootElement.GetProperty("stop").GetString());
        string modelId = summary.RootElement.GetProperty("modelId").GetString()!;
        Assert.Equal($"models/{modelId}/step-000000005.ckpt", summary.RootElement.GetProperty("checkpoint").GetString());
        Assert.True(File.Exists(Path.Combine(output, "models", modelId, "step-000000005.ckpt")));
        Assert.True(double.IsFinite(summary.RootElement.GetProperty("validNll").GetDouble()));

        var resumed = await CliHarness.RunAsync("train", "--data", data, "--out", output, "--resume", "--json", "--threads", "1");
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        using var again = JsonDocument.Parse(resumed.Output);
        Assert.Equal(modelId, again.RootElement.GetProperty("modelId").GetString());
        Assert.Equal(12, again.RootElement.GetProperty("step").GetInt64());
        Assert.Equal("finished", again.RootElement.GetProperty("stop").GetString());
    }

    [Fact]
    public async Task Init_from_starts_a_new_run_at_step_0_from_a_checkpoints_weights()
    {
        string data = await SynthesizeAsync(folder);
        string config = Path.Combine(folder, "run.json");
        File.WriteAllText(config, TinyConfig(mleSteps: 4));
        var first = await CliHarness.RunAsync("train", "--data", data, "--config", config, "--out", Path.Combine(folder, "first"), "--json", "--threads", "1");
        Assert.True(first.ExitCode == 0, first.Error);
        string checkpoint = Path.Combine(folder, "first", JsonDocument.Parse(first.Output).RootElement.GetProperty("checkpoint").GetString()!);

        File.WriteAllText(config, TinyConfig(mleSteps: 3));
        var second = await CliHarness.RunAsync("train", "--data", data, "--config", config, "--init-from", checkpoint, "--out", Path.Combine(folder, "second"), "--json",
            "--threads", "1");
        Assert.True(second.ExitCode == 0, second.Error);
        using var summary = JsonDocument.Parse(second.Output);
        Assert.Equal(3, summary.RootElement.GetProperty("step").GetInt64());
        Assert.Equal(3, summary.RootElement.GetProperty("totalSteps").GetInt64());

        var both = await CliHarness.RunAsync("train", "--data", data, "--init-from", checkpoint, "--resume", "--out", Path.Combine(folder, "second"));
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("use one of them", both.Error);
        File.WriteAllText(config, TinyConfig().Replace("\"layers\": 2", "\"layers\": 3"));
        var otherShape = await CliHarness.RunAsync("train", "--data", data, "--config", config, "--init-from", checkpoint, "--out", Path.Combine(folder, "third"));
        Assert.Equal(2, otherShape.ExitCode);
        Assert.Contains("is not the checkpoint's", otherShape.Error);
        var missing = await CliHarness.RunAsync("train", "--data", data, "--init-from", Path.Combine(folder, "none.ckpt"), "--out", Path.Combine(folder, "third"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("none.ckpt does not exist", missing.Error);
    }

    [Fact]
    public async Task A_bad_config_exits_2_naming_every_wrong_field()
    {
        string data = await SynthesizeAsync(folder);
        string config = Path.Combine(folder, "bad.json");
        File.WriteAllText(config, TinyConfig().Replace("\"heads\": 2, \"modelWidth\": 32", "\"heads\": 3, \"modelWidth\": 32").Replace("634", "131")
            .Replace("\"batchSize\": 4", "\"batchSize\": 0"));
        var result = await CliHarness.RunAsync("train", "--data", data, "--config", config, "--out", Path.Combine(folder, "out"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("model.modelWidth: 32 is not divisible by heads (3)", result.Error);
        Assert.Contains("model.vocabSize", result.Error);
        Assert.Contains("131", result.Error);
        Assert.Contains("634", result.Error);
        Assert.Contains("batchSize", result.Error);
        Assert.False(Directory.Exists(Path.Combine(folder, "out", "models")));

        File.WriteAllText(config, TinyConfig(extra: ", \"learningRat\": 1"));
        var unknown = await CliHarness.RunAsync("train", "--data", data, "--config", config, "--out", Path.Combine(folder, "out"));
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("learningRat", unknown.Error);
    }

    [Fact]
    public async Task Resume_without_a_checkpoint_and_a_missing_dataset_exit_2_with_a_reason()
    {
        string data = await SynthesizeAsync(folder);
        var nothing = await CliHarness.RunAsync("train", "--data", data, "--out", Path.Combine(folder, "empty"), "--resume");
        Assert.Equal(2, nothing.ExitCode);
        Assert.Contains("no checkpoint", nothing.Error);

        var missing = await CliHarness.RunAsync("train", "--data", Path.Combine(folder, "nowhere"), "--out", Path.Combine(folder, "out"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("nowhere", missing.Error);
    }
}
