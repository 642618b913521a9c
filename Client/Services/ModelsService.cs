using MusicCluster.Grains.Interfaces.Models;
using MusicCluster.Grains.Interfaces.Scoring;

namespace MusicCluster.Client.Services;

/// <summary>What /models and /api/models need: the registry's catalog, and promotion (which rescores the library).</summary>
public sealed class ModelsService(IClusterClient cluster, ILogger<ModelsService> logger)
{
    private IModelRegistryGrain Registry => cluster.GetGrain<IModelRegistryGrain>(0);

    public Task<ModelCatalog> GetCatalogAsync() => Registry.GetCatalogAsync();

    /// <summary>What a promotion did: the new catalog, and the scoring job rescoring the library (null when it could not start).</summary>
    public sealed record PromotionResult(ModelCatalog Catalog, Guid? RescoringJobId, string? RescoringProblem);

    /// <summary>
    /// Promotes "modelId" (its newest calibrated checkpoint) or "modelId/checkpointId", then starts a scoring job
    /// that rescores the whole library with the new default. Throws KeyNotFoundException / InvalidOperationException
    /// from the registry saying why a checkpoint cannot be promoted.
    /// </summary>
    public async Task<PromotionResult> PromoteAsync(string model)
    {
        ModelRef resolved = await Registry.ResolveAsync(model);
        ModelCatalog catalog = await Registry.PromoteAsync(resolved);
        Guid job = Guid.NewGuid();
        try
        {
            await cluster.GetGrain<IScoringJobGrain>(job).StartAsync(new ScoringJobRequest(PieceIds: null, Model: resolved.ToString()));
            return new PromotionResult(catalog, job, null);
        }
        catch (Exception e)
        {
            // The promotion stands; the library keeps its old scores until a rescoring job runs.
            logger.LogWarning(e, "Promoted {Model}, but the library rescoring job could not start", resolved);
            return new PromotionResult(catalog, null, e.GetBaseException().Message);
        }
    }
}
