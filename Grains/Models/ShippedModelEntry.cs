using System.Text.Json.Nodes;
using MusicCluster.Grains.Interfaces.Models;
using MusicCluster.Music.Storage.Checkpoints;
using MusicCluster.Music.Training;

namespace MusicCluster.Grains.Models;

/// <summary>The registry's entry for the model that ships with the build, read once from its record (default.json).</summary>
public static class ShippedModelEntry
{
    public static readonly ModelRef Ref = new(ShippedModel.ModelId, ShippedModel.ModelId);

    private static readonly Lazy<CheckpointEntry> Entry = new(Read);

    public static CheckpointEntry Get() => Entry.Value;

    private static CheckpointEntry Read()
    {
        string? path = ShippedModel.CheckpointPath;
        var metrics = new Dictionary<string, double>();
        long step = 0;
        DateTimeOffset created = DateTimeOffset.UnixEpoch;
        string? tokenizer = null;
        string? recordPath = path is null ? null : Path.ChangeExtension(path, ".json");
        if (recordPath is not null && File.Exists(recordPath))
        {
            // The record's metadata holds the figures the checkpoint was saved with; the weights are not loaded here.
            var metadata = JsonNode.Parse(File.ReadAllText(recordPath))?["metadata"] as JsonObject;
            if (metadata is not null)
            {
                CheckpointInfo info = ModelCheckpoint.ReadInfo(metadata, recordPath);
                step = info.Step;
                created = info.CreatedAt;
                tokenizer = info.Vocabulary.Version;
                if (info.BestValidNll is double nll) metrics["validNll"] = nll;
            }
        }
        bool calibrated = path is not null && File.Exists(CheckpointScoringModelSource.CalibrationPathOf(path));
        return new CheckpointEntry(Ref, step, created, metrics, RunId: null, calibrated, tokenizer);
    }
}
