using Microsoft.AspNetCore.Http.HttpResults;
using MusicCluster.Client.Hosting;
using MusicCluster.Client.Services;
using MusicCluster.Grains.Interfaces.Training;

namespace MusicCluster.Client.Endpoints;

/// <summary>
/// /api/training-runs: start (admin), list, one run with its metrics and log, pause / resume / stop and learning-rate
/// changes (admin); /api/training-datasets: what a run can train on. Validation errors name the request's fields.
/// </summary>
internal static class TrainingEndpoints
{
    public sealed record LearningRatePatch(double? LearningRate);

    public static IEndpointRouteBuilder MapTrainingEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/training-datasets", (TrainingService training) => training.GetDatasetsAsync())
            .WithTags("Training").WithName("ListTrainingDatasets").WithSummary("Datasets a training run can use (synthetic-demo and the blob store's datasets/)");

        RouteGroupBuilder group = endpoints.MapGroup("/api/training-runs").WithTags("Training");
        group.MapGet("", (TrainingService training) => training.ListAsync()).WithName("ListTrainingRuns").WithSummary("Every training run, newest first");
        group.MapPost("", StartAsync).RequireAuthorization(AuthHosting.AdminPolicy).WithName("StartTrainingRun")
            .WithSummary("Start a training run (admin): dataset, settings (layers, heads, modelWidth, ...), optional configJson; 202 with the run, queued when every silo is busy");
        group.MapGet("/{id}", GetAsync).WithName("GetTrainingRun").WithSummary("A run: status, step, phase, latest metrics, checkpoints, silo, queue position");
        group.MapGet("/{id}/metrics", MetricsAsync).WithName("GetTrainingRunMetrics").WithSummary("Every step's metrics from fromStep on");
        group.MapGet("/{id}/log", LogAsync).WithName("GetTrainingRunLog").WithSummary("Log lines from line fromLine on");
        group.MapPost("/{id}/pause", (TrainingService t, string id) => ControlAsync(t, id, () => t.PauseAsync(id))).RequireAuthorization(AuthHosting.AdminPolicy)
            .WithName("PauseTrainingRun").WithSummary("Pause with a checkpoint (admin)");
        group.MapPost("/{id}/resume", (TrainingService t, string id) => ControlAsync(t, id, () => t.ResumeAsync(id))).RequireAuthorization(AuthHosting.AdminPolicy)
            .WithName("ResumeTrainingRun").WithSummary("Resume a paused run from its last checkpoint (admin)");
        group.MapPost("/{id}/stop", (TrainingService t, string id) => ControlAsync(t, id, () => t.StopAsync(id))).RequireAuthorization(AuthHosting.AdminPolicy)
            .WithName("StopTrainingRun").WithSummary("Stop for good with a final checkpoint (admin)");
        group.MapPatch("/{id}", PatchAsync).RequireAuthorization(AuthHosting.AdminPolicy).WithName("UpdateTrainingRun")
            .WithSummary("Change the learning rate from the next step (admin): {learningRate}");
        return endpoints;
    }

    private static async Task<Results<Accepted<TrainingRunSnapshot>, ValidationProblem>> StartAsync(TrainingService training, TrainingRunRequest request)
    {
        var errors = await training.ValidateAsync(request);
        if (errors.Count > 0) return ValidationProblem(errors);
        try
        {
            TrainingRunSnapshot run = await training.StartAsync(request);
            return TypedResults.Accepted($"/api/training-runs/{run.RunId}", run);
        }
        catch (ArgumentException e)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["request"] = [e.Message] });
        }
    }

    internal static ValidationProblem ValidationProblem(IEnumerable<TrainingFieldError> errors) =>
        TypedResults.ValidationProblem(errors.GroupBy(e => TrainingFieldNames.RequestFieldOf(e.Field))
            .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()));

    private static async Task<Results<Ok<TrainingRunSnapshot>, ProblemHttpResult, ValidationProblem>> GetAsync(TrainingService training, string id)
    {
        if (!TrainingService.IsValidId(id)) return InvalidId(id);
        return await training.GetAsync(id) is { } run ? TypedResults.Ok(run) : NotFound(id);
    }

    private static async Task<Results<Ok<IReadOnlyList<TrainingMetricsPoint>>, ProblemHttpResult, ValidationProblem>> MetricsAsync(TrainingService training, string id,
        long fromStep = 0)
    {
        if (!TrainingService.IsValidId(id)) return InvalidId(id);
        if (fromStep < 0) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["fromStep"] = ["must be 0 or more"] });
        if (await training.GetAsync(id) is null) return NotFound(id);
        return TypedResults.Ok(await training.GetMetricsAsync(id, fromStep));
    }

    private static async Task<Results<Ok<IReadOnlyList<TrainingLogLine>>, ProblemHttpResult, ValidationProblem>> LogAsync(TrainingService training, string id, long fromLine = 0)
    {
        if (!TrainingService.IsValidId(id)) return InvalidId(id);
        if (fromLine < 0) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["fromLine"] = ["must be 0 or more"] });
        if (await training.GetAsync(id) is null) return NotFound(id);
        return TypedResults.Ok(await training.GetLogAsync(id, fromLine));
    }

    private static async Task<Results<Ok<TrainingRunSnapshot>, ProblemHttpResult, ValidationProblem>> PatchAsync(TrainingService training, string id, LearningRatePatch patch)
    {
        if (!TrainingService.IsValidId(id)) return InvalidId(id);
        if (patch.LearningRate is not { } rate)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["learningRate"] = ["is required (the only field that can change)"] });
        if (!double.IsFinite(rate) || rate <= 0 || rate > 10)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["learningRate"] = [$"must be a positive number of at most 10, got {rate}"] });
        return await ControlAsync(training, id, () => training.SetLearningRateAsync(id, rate));
    }

    private static async Task<Results<Ok<TrainingRunSnapshot>, ProblemHttpResult, ValidationProblem>> ControlAsync(TrainingService training, string id,
        Func<Task<TrainingRunSnapshot>> action)
    {
        if (!TrainingService.IsValidId(id)) return InvalidId(id);
        if (await training.GetAsync(id) is null) return NotFound(id);
        try
        {
            return TypedResults.Ok(await action());
        }
        catch (InvalidOperationException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "Conflict");
        }
        catch (ArgumentException e)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["learningRate"] = [e.Message] });
        }
    }

    internal static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem($"No training run '{id}'", statusCode: StatusCodes.Status404NotFound, title: "Not Found");

    internal static ValidationProblem InvalidId(string id) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [$"'{id}' is not an id (1-100 of letters, digits, '.', '_', '-')"] });
}
