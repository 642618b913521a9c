using Microsoft.AspNetCore.Http.HttpResults;
using MusicCluster.Grains.Inference;

namespace MusicCluster.Client.Endpoints;

/// <summary>GET /api/inference: what the inference engine of this process's silo has run (embedded mode; a client-mode web host has no silo, so no engine).</summary>
internal static class InferenceEndpoints
{
    public sealed record InferenceReport(bool HasEngine, IReadOnlyList<InferenceStatistics> Models);

    public static IEndpointRouteBuilder MapInferenceEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/inference", Get).WithTags("Generation").WithName("GetInferenceStatistics")
            .WithSummary("Per loaded model: batched steps and their sizes, primer passes, critic batches (embedded silo only)");
        return endpoints;
    }

    private static Ok<InferenceReport> Get(IServiceProvider services) =>
        services.GetService<InferenceEngine>() is { } engine
            ? TypedResults.Ok(new InferenceReport(true, engine.Statistics()))
            : TypedResults.Ok(new InferenceReport(false, []));
}
