using Microsoft.AspNetCore.Http.Json;

namespace MusicCluster.Client.Hosting;

/// <summary>Exceptions that are the caller's or the data's fault (4xx), or the cluster's or its storage's trouble (503, 507), answered as problem details instead of a
/// 500.</summary>
internal static class ProblemHandlersHosting
{
    public static IServiceCollection AddProblemHandlers(this IServiceCollection services)
    {
        services.AddExceptionHandler<JsonBodyProblems>();
        services.AddExceptionHandler<DamagedPieceProblems>();
        services.AddExceptionHandler<RenderLimitProblems>();
        services.AddExceptionHandler<ClusterUnavailableProblems>();
        services.AddExceptionHandler<StorageProblems>();
        // Body binding failures reach the exception handler (and so JsonBodyProblems) only when thrown.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        // Numbers are JSON numbers: "bars": "8" is a type error, as the API reference says.
        services.Configure<JsonOptions>(o => o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict);
        return services;
    }
}
