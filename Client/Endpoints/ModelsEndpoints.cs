using Microsoft.AspNetCore.Http.HttpResults;
using MusicCluster.Client.Hosting;
using MusicCluster.Client.Services;
using MusicCluster.Grains.Interfaces.Models;

namespace MusicCluster.Client.Endpoints;

/// <summary>/api/models: the registry's models and checkpoints; promote one as the default (admin), which rescores the library.</summary>
internal static class ModelsEndpoints
{
    /// <summary>CheckpointId: which checkpoint of the model; null: its newest calibrated one.</summary>
    public sealed record PromoteRequest(string? CheckpointId);

    public sealed record PromoteResponse(ModelCatalog Catalog, Guid? RescoringJobId, string? RescoringProblem);

    public static IEndpointRouteBuilder MapModelsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder group = endpoints.MapGroup("/api/models").WithTags("Models");
        group.MapGet("", (ModelsService models) => models.GetCatalogAsync()).WithName("ListModels").WithSummary("Models, their checkpoints with metrics, and the default");
        group.MapPost("/{id}/promote", PromoteAsync).RequireAuthorization(AuthHosting.AdminPolicy).WithName("PromoteModel")
            .WithSummary("Make a checkpoint of model {id} the default (admin; body {checkpointId}, else its newest calibrated one) and rescore the library");
        return endpoints;
    }

    private static async Task<Results<Ok<PromoteResponse>, ProblemHttpResult, ValidationProblem>> PromoteAsync(ModelsService models, string id, PromoteRequest? request)
    {
        string? checkpoint = request?.CheckpointId;
        if (!TrainingService.IsValidId(id)) return TrainingEndpoints.InvalidId(id);
        if (checkpoint is not null && !TrainingService.IsValidId(checkpoint))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["checkpointId"] = [$"'{checkpoint}' is not a checkpoint id"] });
        try
        {
            var result = await models.PromoteAsync(checkpoint is null ? id : $"{id}/{checkpoint}");
            return TypedResults.Ok(new PromoteResponse(result.Catalog, result.RescoringJobId, result.RescoringProblem));
        }
        catch (KeyNotFoundException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status404NotFound, title: "Not Found");
        }
        catch (InvalidOperationException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "Conflict");
        }
    }
}
