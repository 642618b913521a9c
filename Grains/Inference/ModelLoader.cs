using MusicCluster.Grains.Interfaces.Models;
using MusicCluster.Grains.Models;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Storage;
using MusicCluster.Music.Storage.Checkpoints;
using MusicCluster.Music.Training;

namespace MusicCluster.Grains.Inference;

/// <summary>Loads a checkpoint for inference: the shipped model from the build output, any other from the blob store (models/{model}/{checkpoint}.ckpt, calibration beside
/// it).</summary>
public sealed class ModelLoader(IBlobStore blobs)
{
    public static string CalibrationBlobOf(ModelRef reference) => BlobName.Validate($"models/{reference.ModelId}/{reference.CheckpointId}.calibration.json");

    public async Task<LoadedModel> LoadAsync(ModelRef reference, CancellationToken cancellation = default)
    {
        if (ShippedModelEntry.IsShipped(reference)) return LoadShipped(reference);

        CheckpointArchive archive = await new CheckpointStore(blobs).LoadAsync(reference.ModelId, reference.CheckpointId, cancellation);
        string calibrationBlob = CalibrationBlobOf(reference);
        string? calibration = await blobs.GetInfoAsync(calibrationBlob, cancellation) is null ? null : await blobs.ReadAllTextAsync(calibrationBlob, cancellation);
        var checkpoint = ModelCheckpoint.Unpack(archive, CheckpointStore.BlobOf(reference.ModelId, reference.CheckpointId));
        return Build(reference, checkpoint, calibration, calibrationBlob);
    }

    private static LoadedModel LoadShipped(ModelRef reference)
    {
        string path = ShippedModel.CheckpointPathOf(reference.ModelId)
            ?? throw new InvalidOperationException($"this build does not carry the shipped model '{reference.ModelId}' (under DefaultModel/ next to the program)");
        string calibrationPath = CheckpointScoringModelSource.CalibrationPathOf(path);
        var checkpoint = ModelCheckpoint.LoadFile(path);
        return Build(reference, checkpoint, File.Exists(calibrationPath) ? File.ReadAllText(calibrationPath) : null, calibrationPath);
    }

    private static LoadedModel Build(ModelRef reference, ModelCheckpoint checkpoint, string? calibrationJson, string calibrationSource)
    {
        try
        {
            CriticScorer? scorer = null;
            if (calibrationJson is not null && checkpoint.Critic is not null)
            {
                // The calibration names the ids it was made for; generation and scores name the registry's ids.
                var calibration = ScoreCalibration.FromJson(calibrationJson, calibrationSource);
                scorer = new CriticScorer(checkpoint.Critic, checkpoint.Info.Vocabulary, calibration);
            }
            return new LoadedModel(reference, checkpoint.Generator, checkpoint.Info.Vocabulary, scorer, checkpoint);
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
    }
}
