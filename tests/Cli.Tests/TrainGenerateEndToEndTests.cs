using System.Text.Json;
using MusicCluster.Music.Midi;

namespace MusicCluster.Cli.Tests;

/// <summary>train -> generate -> the project's MIDI reader, through the built tool as a user runs it.</summary>
public sealed class TrainGenerateEndToEndTests : IDisposable
{
    private readonly string folder = RepositoryPaths.NewTempFolder("cli-train-generate");

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>A synthetic dataset and a tiny model trained on it by the built tool: (dataset folder, checkpoint path).</summary>
    private async Task<(string Data, string Model)> TrainWithBuiltToolAsync(int mleSteps)
    {
        string data = await TrainCommandTests.SynthesizeAsync(folder);
        string config = Path.Combine(folder, "run.json");
        File.WriteAllText(config, TrainCommandTests.TinyConfig(mleSteps));
        var trained = await CliHarness.RunBuiltToolAsync("train", "--data", data, "--config", config, "--out", Path.Combine(folder, "out"), "--json", "--threads", "1");
        Assert.True(trained.ExitCode == 0, trained.Error);
        using var summary = JsonDocument.Parse(trained.Output);
        return (data, summary.RootElement.GetProperty("checkpointPath").GetString()!);
    }

    [Fact]
    public async Task A_model_trained_by_the_tool_generates_a_midi_file_the_reader_reads_back()
    {
        (_, string model) = await TrainWithBuiltToolAsync(mleSteps: 15);

        string midi = Path.Combine(folder, "generated.mid");
        var generated = await CliHarness.RunBuiltToolAsync("generate", "--model", model, "--bars", "3", "--seed", "7", "--top-k", "40", "--out", midi, "--json");
        Assert.True(generated.ExitCode == 0, generated.Error);
        using var result = JsonDocument.Parse(generated.Output);
        Assert.True(result.RootElement.GetProperty("complete").GetBoolean());

        var piece = MidiFileReader.ReadFile(midi);
        Assert.Equal(result.RootElement.GetProperty("notes").GetInt32(), piece.Notes.Count);
    }

    [Fact]
    public async Task A_trained_model_is_calibrated_then_scores_midi_files_naming_itself_and_evaluates()
    {
        (string data, string model) = await TrainWithBuiltToolAsync(mleSteps: 10);

        // Before calibration the model cannot score, and says how to fix it.
        string midi = Path.Combine(folder, "piece.mid");
        MidiFileWriter.WriteFile(MusicCluster.Music.Data.SyntheticCorpus.Generate(1, seed: 4)[0], midi);
        var uncalibrated = await CliHarness.RunBuiltToolAsync("score", midi, "--model", model, "--json");
        Assert.Equal(2, uncalibrated.ExitCode);
        Assert.Contains("musiccluster calibrate", uncalibrated.Error);

        var calibrated = await CliHarness.RunBuiltToolAsync("calibrate", "--model", model, "--data", data, "--json");
        Assert.True(calibrated.ExitCode == 0, calibrated.Error);
        Assert.True(File.Exists(Path.ChangeExtension(model, ".calibration.json")));

        var scored = await CliHarness.RunBuiltToolAsync("score", midi, "--model", model, "--json");
        Assert.True(scored.ExitCode == 0, scored.Error);
        using var scores = JsonDocument.Parse(scored.Output);
        JsonElement file = scores.RootElement.GetProperty("files")[0];
        Assert.InRange(file.GetProperty("score").GetDouble(), 0, 100);
        Assert.True(file.GetProperty("bars").GetArrayLength() > 0);
        Assert.Equal(Path.GetFileNameWithoutExtension(model), scores.RootElement.GetProperty("model").GetProperty("checkpoint").GetString());

        var evaluated = await CliHarness.RunBuiltToolAsync("eval", "--model", model, "--data", data, "--split", "valid", "--max-pieces", "2", "--json");
        Assert.True(evaluated.ExitCode == 0, evaluated.Error);
        using var evaluation = JsonDocument.Parse(evaluated.Output);
        Assert.True(evaluation.RootElement.GetProperty("nllPerToken").GetDouble() > 0);
    }

    [Fact]
    public async Task The_critic_is_fine_tuned_then_calibrated_and_scores_with_the_recorded_window_size()
    {
        (string data, string model) = await TrainWithBuiltToolAsync(mleSteps: 10);
        string tuned = Path.Combine(folder, "tuned", "critic.ckpt");

        var wrongOut = await CliHarness.RunBuiltToolAsync("train-critic", "--model", model, "--data", data, "--out", Path.Combine(folder, "critic.bin"));
        Assert.Equal(2, wrongOut.ExitCode);
        Assert.Contains(".ckpt", wrongOut.Error);

        var fineTuned = await CliHarness.RunBuiltToolAsync("train-critic", "--model", model, "--data", data, "--out", tuned, "--steps", "4", "--batch-size", "2",
            "--evaluate-every", "2", "--evaluation-pieces", "2", "--window-bars", "2", "--loss", "logistic", "--gradient-penalty-weight", "0",
            "--threads", "1", "--json");
        Assert.True(fineTuned.ExitCode == 0, fineTuned.Error);
        using (var summary = JsonDocument.Parse(fineTuned.Output))
        {
            JsonElement root = summary.RootElement;
            Assert.Equal([0, 2, 4], root.GetProperty("evaluations").EnumerateArray().Select(e => e.GetProperty("step").GetInt32()));
            Assert.Contains(root.GetProperty("bestStep").GetInt32(), new[] { 0, 2, 4 });
            Assert.InRange(root.GetProperty("best").GetProperty("realVsShuffledAuc").GetDouble(), 0, 1);
            Assert.Equal(new FileInfo(tuned).Length, root.GetProperty("bytes").GetInt64());
        }
        // The record beside it lets every loader verify length and SHA-256.
        Assert.True(File.Exists(Path.ChangeExtension(tuned, ".json")));

        var calibrated = await CliHarness.RunBuiltToolAsync("calibrate", "--model", tuned, "--data", data, "--window-bars", "2", "--json");
        Assert.True(calibrated.ExitCode == 0, calibrated.Error);
        using (var calibration = JsonDocument.Parse(calibrated.Output))
            Assert.Equal(2, calibration.RootElement.GetProperty("windowBars").GetInt32());

        string midi = Path.Combine(folder, "piece.mid");
        MidiFileWriter.WriteFile(MusicCluster.Music.Data.SyntheticCorpus.Generate(1, seed: 4)[0], midi);
        var scored = await CliHarness.RunBuiltToolAsync("score", midi, "--model", tuned, "--json");
        Assert.True(scored.ExitCode == 0, scored.Error);
        using var scores = JsonDocument.Parse(scored.Output);
        Assert.Equal(2, scores.RootElement.GetProperty("model").GetProperty("windowBars").GetInt32());
    }
}
