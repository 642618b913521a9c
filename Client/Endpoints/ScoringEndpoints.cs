using Microsoft.AspNetCore.Http.HttpResults;
using MusicCluster.Client.Hosting;
using MusicCluster.Client.Services;
using MusicCluster.Grains.Interfaces.Models;
using MusicCluster.Grains.Interfaces.Scoring;

namespace MusicCluster.Client.Endpoints;

/// <summary>POST /api/score (a MIDI file -> overall and per-bar scores) and scoring jobs. GET /api/models is in ModelsEndpoints.</summary>
internal static class ScoringEndpoints
{
    public sealed record ScoreResponse(double Overall, IReadOnlyList<double> Bars, IReadOnlyList<double> BarStarts, string ModelId, string CheckpointId, string? FileName);

    public sealed record ScoringJobBody(IReadOnlyList<string>? PieceIds = null, string? Model = null);

    public static IEndpointRouteBuilder MapScoringEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // The form with the file is limited as a whole (MusicCluster:Limits:ScoreUploadBytes), before it is read.
        endpoints.MapPost("/api/score", ScoreAsync).WithBodyLimit(RequestBodyKind.ScoreUpload).WithTags("Scoring").WithName("ScoreMidi")
            .WithSummary("Score a MIDI file (multipart field 'file'; optional field 'model'): overall and per-bar 0-100 with the model")
            .DisableAntiforgery();
        RouteGroupBuilder jobs = endpoints.MapGroup("/api/scoring-jobs").WithTags("Scoring");
        // A job rewrites stored scores of the whole library: an admin action, like promoting the model that scores.
        jobs.MapPost("", StartJobAsync).RequireAuthorization(Hosting.AuthHosting.AdminPolicy).WithName("StartScoringJob")
            .WithSummary("Score listed pieces, or the whole library when pieceIds is absent (admin)");
        jobs.MapGet("/{id:guid}", GetJobAsync).WithName("GetScoringJob").WithSummary("A scoring job's progress");
        return endpoints;
    }

    private static async Task<Results<Ok<ScoreResponse>, ValidationProblem>> ScoreAsync(HttpRequest http, ScoringService scoring)
    {
        if (!http.HasFormContentType) return Invalid("file", "send the MIDI file as multipart/form-data in a field named 'file'");
        IFormCollection form;
        try
        {
            form = await http.ReadFormAsync();
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            return Invalid("file", $"the form cannot be read: {e.Message}");
        }
        IFormFile? file = form.Files.GetFile("file");
        if (file is null) return Invalid("file", "no file: send the MIDI file in a field named 'file'");
        if (file.Length == 0) return Invalid("file", "the file is empty");
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer);
        string? model = form["model"] is { Count: > 0 } m && !string.IsNullOrWhiteSpace(m[0]) ? m[0] : null;
        try
        {
            ScoreResult result = await scoring.ScoreAsync(buffer.ToArray(), model, file.FileName);
            return TypedResults.Ok(new ScoreResponse(result.Score.Overall, result.Score.Bars, result.BarStarts, result.Score.ModelId, result.Score.CheckpointId, file.FileName));
        }
        catch (ArgumentException e)
        {
            return FieldProblems.From(e, new Dictionary<string, string> { ["midi"] = "file" });
        }
    }

    private static async Task<Results<Accepted<ScoringJobProgress>, ValidationProblem>> StartJobAsync(ScoringService scoring, ScoringJobBody body)
    {
        try
        {
            ScoringJobProgress progress = await scoring.StartJobAsync(new ScoringJobRequest(body.PieceIds, body.Model));
            return TypedResults.Accepted($"/api/scoring-jobs/{progress.JobId}", progress);
        }
        catch (ArgumentException e)
        {
            return FieldProblems.From(e);
        }
    }

    private static async Task<Results<Ok<ScoringJobProgress>, ProblemHttpResult>> GetJobAsync(ScoringService scoring, Guid id) =>
        await scoring.GetJobAsync(id) is { } progress ? TypedResults.Ok(progress) : FieldProblems.NotFound($"No scoring job '{id}'");

    private static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
