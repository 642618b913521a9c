using System.CommandLine;
using System.Text.Json;
using MusicCluster.Music.Data;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Storage.Checkpoints;
using MusicCluster.Music.Training;

namespace MusicCluster.Cli.Commands;

/// <summary>
/// `calibrate --model CKPT --data DIR [--split valid]`: scores every bar window of the split's real pieces with the
/// checkpoint's critic and writes the sorted raw scores as {name}.calibration.json beside the checkpoint, so that
/// `score` can report percentiles (0-100) among real music.
/// </summary>
internal static class CalibrateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Checkpoint (.ckpt) whose critic to calibrate", Required = true };
        var data = new Option<string>("--data") { Description = "Dataset folder with held-out real pieces", Required = true };
        var split = new Option<string>("--split") { Description = "Held-out split to calibrate on", DefaultValueFactory = _ => "valid" };
        var windowBars = new Option<int>("--window-bars")
        {
            Description = "Bars per scoring window; recorded in the calibration, and scoring with it uses the same size",
            DefaultValueFactory = _ => CriticScorerOptions.DefaultWindowBars,
        };
        var json = CommonOptions.Json();
        var command = new Command("calibrate", "Calibrate a checkpoint's critic against held-out real pieces " +
            "(writes {name}.calibration.json)") { model, data, split, windowBars, json };
        command.SetAction(parse =>
        {
            TextWriter output = parse.InvocationConfiguration.Output, error = parse.InvocationConfiguration.Error;
            string modelPath = parse.GetValue(model)!, dataFolder = parse.GetValue(data)!, splitName = parse.GetValue(split)!;
            try
            {
                var dataset = TokenDataset.Open(dataFolder);
                if (!dataset.SplitNames.Contains(splitName)) throw new ArgumentException($"dataset {dataFolder} has no '{splitName}' split");
                using ModelCheckpoint checkpoint = ModelCheckpoint.LoadFile(modelPath, dataset.Vocabulary);
                if (checkpoint.Critic is null) throw new ArgumentException($"checkpoint {modelPath} has no critic");
                (string modelId, string checkpointId) = CheckpointScoringModelSource.IdsOf(modelPath);
                var windows = new CriticWindowScorer(checkpoint.Critic, checkpoint.Info.Vocabulary, new CriticScorerOptions { WindowBars = parse.GetValue(windowBars) });
                ScoreCalibration calibration = CalibrationBuilder.FromRealSequences(windows,
                    dataset.ReadSplit(splitName).Select(s => (IReadOnlyList<int>)s.Tokens), modelId, checkpointId);
                string target = CheckpointScoringModelSource.CalibrationPathOf(modelPath);
                File.WriteAllText(target, calibration.ToJson());
                var summary = new
                {
                    model = modelId,
                    checkpoint = checkpointId,
                    split = splitName,
                    windows = calibration.ReferenceScores.Count,
                    windowBars = calibration.WindowBars,
                    output = target
                };
                output.WriteLine(parse.GetValue(json) ? JsonSerializer.Serialize(summary, CliJson.Options)
                    : $"Wrote {target}: {calibration.ReferenceScores.Count} real {calibration.WindowBars}-bar windows of split {splitName}");
                return 0;
            }
            catch (Exception e) when (e is CheckpointFormatException or DatasetFormatException or ArgumentException or IOException or FileNotFoundException)
            {
                error.WriteLine($"error: {e.Message}");
                return CliRunner.UsageError;
            }
        });
        return command;
    }
}
