using MusicCluster.Music.Scoring;
using MusicCluster.Music.Storage.Checkpoints;

namespace MusicCluster.Music.Training;

/// <summary>
/// Scoring models from checkpoint files: <c>{name}.ckpt</c> with its record <c>{name}.json</c> and the critic's
/// calibration <c>{name}.calibration.json</c> beside it (written by `musiccluster calibrate`). Without a path, the
/// shipped default model. The model id is the checkpoint's folder name (models/{modelId}/...), "default" for the
/// shipped one; the checkpoint id is the file name without extension.
/// </summary>
public sealed class CheckpointScoringModelSource : IScoringModelSource
{
    public static string CalibrationPathOf(string checkpointPath) => Path.ChangeExtension(checkpointPath, ".calibration.json");

    public static (string ModelId, string CheckpointId) IdsOf(string checkpointPath)
    {
        string full = Path.GetFullPath(checkpointPath);
        string folder = Path.GetFileName(Path.GetDirectoryName(full)) ?? "model";
        // The shipped default model lives in a folder named DefaultModel, in the repository and in every build output;
        // the other shipped models in folders named by their ids, with checkpoints named so too.
        return (folder == ShippedModel.FolderName ? ShippedModel.ModelId : folder, Path.GetFileNameWithoutExtension(full));
    }

    public ScoringModel Load(string? model)
    {
        string path = model ?? ShippedModel.CheckpointPath
            ?? throw new ScoringModelLoadException("no default model ships with this build: pass --model <checkpoint.ckpt>");
        string calibrationPath = CalibrationPathOf(path);
        if (!File.Exists(calibrationPath))
            throw new ScoringModelLoadException($"checkpoint {path} has no calibration {calibrationPath}: run `musiccluster calibrate --model {path} --data <dataset>`");
        ModelCheckpoint checkpoint;
        try
        {
            checkpoint = ModelCheckpoint.LoadFile(path);
        }
        catch (Exception e) when (e is CheckpointFormatException or FileNotFoundException or IOException)
        {
            throw new ScoringModelLoadException(e.Message, e);
        }
        if (checkpoint.Critic is null)
        {
            checkpoint.Dispose();
            throw new ScoringModelLoadException($"checkpoint {path} has no critic, so it cannot score");
        }
        (string modelId, string checkpointId) = IdsOf(path);
        try
        {
            ScoreCalibration calibration = ScoreCalibration.FromJson(File.ReadAllText(calibrationPath), calibrationPath);
            // The ScoringModel owns the modules from here on.
            return new ScoringModel(modelId, checkpointId, checkpoint.Critic, checkpoint.Generator, checkpoint.Info.Vocabulary, calibration);
        }
        catch (Exception e) when (e is CalibrationFormatException or ArgumentException or IOException)
        {
            checkpoint.Dispose();
            throw new ScoringModelLoadException($"calibration {calibrationPath}: {e.Message}", e);
        }
    }
}
