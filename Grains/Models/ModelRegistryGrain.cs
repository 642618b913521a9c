using System.Text.RegularExpressions;
using MusicCluster.Grains.Interfaces;
using MusicCluster.Grains.Interfaces.Models;

namespace MusicCluster.Grains.Models;

/// <summary>
/// The installation's models (key 0). Registered checkpoints live in grain state; the shipped model is always
/// listed and is the default until a promotion. Ids become blob names (models/{modelId}/{checkpointId}.ckpt), so
/// they are checked here.
/// </summary>
public sealed partial class ModelRegistryGrain(
    [PersistentState("models", StorageNames.GrainState)] IPersistentState<ModelRegistryState> state) : Grain, IModelRegistryGrain
{
    /// <summary>The word that names the promoted default in a request (and the shipped model's ids).</summary>
    public const string DefaultKeyword = "default";

    public Task<ModelCatalog> GetCatalogAsync() => Task.FromResult(Catalog());

    public Task<ModelRef> ResolveAsync(string? model)
    {
        string text = model?.Trim() ?? "";
        if (text.Length == 0 || text == DefaultKeyword) return Task.FromResult(DefaultRef());

        int slash = text.IndexOf('/');
        if (slash < 0)
        {
            var calibrated = AllEntries().Where(e => e.Ref.ModelId == text).ToList();
            if (calibrated.Count == 0) throw new KeyNotFoundException($"model: no model '{text}' is registered");
            CheckpointEntry? newest = calibrated.Where(e => e.Calibrated).OrderBy(e => e.Step).ThenBy(e => e.CreatedAt).LastOrDefault();
            return newest is null
                ? throw new KeyNotFoundException($"model: model '{text}' has no calibrated checkpoint yet (calibrate one to use it)")
                : Task.FromResult(newest.Ref);
        }
        var wanted = new ModelRef(text[..slash], text[(slash + 1)..]);
        return Find(wanted) is { } entry
            ? Task.FromResult(entry.Ref)
            : throw new KeyNotFoundException($"model: no checkpoint '{wanted}' is registered");
    }

    public async Task RegisterCheckpointAsync(CheckpointEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(entry.Ref, "ref");
        ValidateId(entry.Ref.ModelId, "modelId");
        ValidateId(entry.Ref.CheckpointId, "checkpointId");
        if (entry.Ref.ModelId == DefaultKeyword)
            throw new ArgumentException($"modelId: '{DefaultKeyword}' is reserved for the shipped model (requests use it to mean the default)");
        if (Music.Training.ShippedModel.ModelIds.Contains(entry.Ref.ModelId))
            throw new ArgumentException($"modelId: '{entry.Ref.ModelId}' is the id of a model that ships with the build");
        if (entry.Step < 0) throw new ArgumentException($"step: must be >= 0, got {entry.Step}");
        foreach (var (name, value) in entry.Metrics ?? new Dictionary<string, double>())
            if (!double.IsFinite(value)) throw new ArgumentException($"metrics.{name}: must be a finite number, got {value}");

        var checkpoints = state.State.Checkpoints.Where(e => e.Ref != entry.Ref).Append(entry with { Metrics = entry.Metrics ?? new Dictionary<string, double>() }).ToList();
        state.State = state.State with { Checkpoints = checkpoints };
        await state.WriteStateAsync();
    }

    public async Task<ModelCatalog> PromoteAsync(ModelRef checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        CheckpointEntry entry = Find(checkpoint) ?? throw new KeyNotFoundException($"checkpoint: no checkpoint '{checkpoint}' is registered");
        if (!entry.Calibrated)
            throw new InvalidOperationException($"checkpoint: '{checkpoint}' has no critic calibration, so it cannot score the library; calibrate it before promoting it");
        state.State = state.State with { Default = entry.Ref == ShippedModelEntry.Ref ? null : entry.Ref };
        await state.WriteStateAsync();
        return Catalog();
    }

    private ModelRef DefaultRef() => state.State.Default ?? ShippedModelEntry.Ref;

    private CheckpointEntry? Find(ModelRef wanted) => AllEntries().FirstOrDefault(e => e.Ref == wanted);

    private IEnumerable<CheckpointEntry> AllEntries() => ShippedModelEntry.All().Concat(state.State.Checkpoints);

    private ModelCatalog Catalog()
    {
        var models = AllEntries()
            .GroupBy(e => e.Ref.ModelId)
            .Select(g => new ModelSummary(g.Key, g.OrderBy(e => e.CreatedAt).ThenBy(e => e.Step).ToList()))
            .OrderBy(m => m.ModelId == DefaultKeyword ? 0 : 1).ThenBy(m => m.ModelId, StringComparer.Ordinal)
            .ToList();
        return new ModelCatalog(DefaultRef(), models);
    }

    private static void ValidateId(string? id, string field)
    {
        if (id is null || !ValidId().IsMatch(id))
            throw new ArgumentException($"{field}: '{id}' is not a model or checkpoint id (1-100 of A-Z, a-z, 0-9, '.', '_', '-', not starting with '.')");
    }

    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex ValidId();
}
