using Microsoft.AspNetCore.Http.HttpResults;
using MusicCluster.Client.Hosting;
using MusicCluster.Client.Services;
using MusicCluster.Grains.Interfaces.Training;

namespace MusicCluster.Client.Endpoints;

/// <summary>/api/sweeps: start a grid or random search (admin), list, one sweep's results table, stop it (admin).</summary>
internal static class SweepEndpoints
{
    public static IEndpointRouteBuilder MapSweepEndpoints(this IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder group = endpoints.MapGroup("/api/sweeps").WithTags("Training");
        group.MapGet("", (TrainingService training) => training.ListSweepsAsync()).WithName("ListSweeps").WithSummary("Every sweep with its results table");
        group.MapPost("", StartAsync).RequireAuthorization(AuthHosting.AdminPolicy).WithName("StartSweep")
            .WithSummary("Start a sweep (admin): base request, parameters [{field, values}], mode grid|random, count, seed");
        group.MapGet("/{id}", GetAsync).WithName("GetSweep").WithSummary("A sweep's results: values tried, final valid NLL, steps, status");
        group.MapPost("/{id}/stop", StopAsync).RequireAuthorization(AuthHosting.AdminPolicy).WithName("StopSweep").WithSummary("Stop every run of a sweep (admin)");
        return endpoints;
    }

    private static async Task<Results<Accepted<SweepSnapshot>, ValidationProblem>> StartAsync(TrainingService training, SweepRequest request)
    {
        try
        {
            SweepSnapshot sweep = await training.StartSweepAsync(request);
            return TypedResults.Accepted($"/api/sweeps/{sweep.SweepId}", sweep);
        }
        catch (ArgumentException e)
        {
            // "field: message; field: message" from the sweep grain, one entry per field.
            var errors = e.Message.Split("; ", StringSplitOptions.RemoveEmptyEntries)
                .Select(part => part.IndexOf(": ", StringComparison.Ordinal) is int colon and > 0 ? (part[..colon], part[(colon + 2)..]) : ("request", part))
                .GroupBy(p => p.Item1).ToDictionary(g => g.Key, g => g.Select(p => p.Item2).ToArray());
            return TypedResults.ValidationProblem(errors);
        }
    }

    private static async Task<Results<Ok<SweepSnapshot>, ProblemHttpResult, ValidationProblem>> GetAsync(TrainingService training, string id)
    {
        if (!TrainingService.IsValidId(id)) return TrainingEndpoints.InvalidId(id);
        return await training.GetSweepAsync(id) is { } sweep ? TypedResults.Ok(sweep) : NotFound(id);
    }

    private static async Task<Results<Ok<SweepSnapshot>, ProblemHttpResult, ValidationProblem>> StopAsync(TrainingService training, string id)
    {
        if (!TrainingService.IsValidId(id)) return TrainingEndpoints.InvalidId(id);
        return await training.StopSweepAsync(id) is { } sweep ? TypedResults.Ok(sweep) : NotFound(id);
    }

    private static ProblemHttpResult NotFound(string id) => TypedResults.Problem($"No sweep '{id}'", statusCode: StatusCodes.Status404NotFound, title: "Not Found");
}
