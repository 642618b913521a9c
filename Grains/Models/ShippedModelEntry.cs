using System.Text.Json.Nodes;
using MusicCluster.Grains.Interfaces.Models;
using MusicCluster.Music.Storage.Checkpoints;
using MusicCluster.Music.Training;

namespace MusicCluster.Grains.Models;

/// <summary>The registry's entries for the models that ship with the build, each read once from its record (the .json beside the checkpoint).</summary>
public static class ShippedModelEntry
{
    /// <summary>The shipped default model.</summary>
    public static readonly ModelRef Ref = RefOf(ShippedModel.ModelId);

    private static readonly Lazy<IReadOnlyList<CheckpointEntry>> Entries = new(() =>
        ShippedModel.ModelIds.Where(id => id == ShippedModel.ModelId || ShippedModel.CheckpointPathOf(id) is not null).Select(Read).ToList());

    /// <summary>A shipped model's reference: its id is also its checkpoint id.</summary>
    public static ModelRef RefOf(string modelId) => new(modelId, modelId);

    /// <summary>Whether <paramref name="reference"/> names a shipped model.</summary>
    public static bool IsShipped(ModelRef reference) => reference.ModelId == reference.CheckpointId
        && (ShippedModel.ModelIds.Contains(reference.ModelId) || reference.ModelId == ShippedModel.HarmonyModelId);

    /// <summary>The shipped harmony model: loaded for harmonisations, not listed among the models pieces are generated from.</summary>
    public static readonly ModelRef HarmonyRef = RefOf(ShippedModel.HarmonyModelId);

    /// <summary>The shipped default model's entry.</summary>
    public static CheckpointEntry Get() => All()[0];

    /// <summary>Every shipped model's entry, the default first.</summary>
    public static IReadOnlyList<CheckpointEntry> All() => Entries.Value;

    private static CheckpointEntry Read(string modelId)
    {
        string? path = ShippedModel.CheckpointPathOf(modelId);
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
        return new CheckpointEntry(RefOf(modelId), step, created, metrics, RunId: null, calibrated, tokenizer);
    }
}
