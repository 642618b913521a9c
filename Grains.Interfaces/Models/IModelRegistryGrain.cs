namespace MusicCluster.Grains.Interfaces.Models;

/// <summary>
/// The models of the installation (key 0): their checkpoints with metrics, and the default one. The shipped model
/// ("default", "default") is always listed and is the default until another checkpoint is promoted.
/// </summary>
public interface IModelRegistryGrain : IGrainWithIntegerKey
{
    Task<ModelCatalog> GetCatalogAsync();

    /// <summary>
    /// The checkpoint a request names: null or "default" -> the promoted default; "modelId" -> that model's newest
    /// calibrated checkpoint; "modelId/checkpointId" -> exactly that one. Throws KeyNotFoundException naming what is unknown.
    /// </summary>
    Task<ModelRef> ResolveAsync(string? model);

    /// <summary>Adds (or updates) a checkpoint, e.g. when a training run saves one.</summary>
    Task RegisterCheckpointAsync(CheckpointEntry entry);

    /// <summary>Makes a registered, calibrated checkpoint the default. Throws KeyNotFoundException or InvalidOperationException saying why not.</summary>
    Task<ModelCatalog> PromoteAsync(ModelRef checkpoint);
}
