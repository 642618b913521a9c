using Microsoft.AspNetCore.Http.HttpResults;
using MusicCluster.Client.Hosting;
using MusicCluster.Client.Services;
using MusicCluster.Grains.Interfaces.Generation;

namespace MusicCluster.Client.Endpoints;

/// <summary>/api/generations: start a session (202 + id), read it (notes so far, bar scores, piece id when done), cancel it.</summary>
internal static class GenerationEndpoints
{
    /// <summary>The body of POST /api/generations. PrimerMidi: an uploaded MIDI file, base64 in JSON.</summary>
    public sealed record GenerationBody(int Bars, double? Temperature = null, int? TopK = null, double? TopP = null, long? Seed = null,
        string? ModelId = null, string? PrimerPieceId = null, byte[]? PrimerMidi = null, string? Title = null, int? Candidates = null);

    public sealed record Started(Guid Id);

    /// <summary>Id null: nothing started here yet (200 rather than 404, so an overlay polling it logs no errors).</summary>
    public sealed record LatestGeneration(Guid? Id);

    private static readonly Dictionary<string, string> ApiNames = new() { ["model"] = "modelId" };

    public static IEndpointRouteBuilder MapGenerationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder group = endpoints.MapGroup("/api/generations").WithTags("Generation");
        group.MapPost("", StartAsync).WithBodyLimit(RequestBodyKind.Generation).WithName("StartGeneration").WithSummary("Start generating a piece: bars (1-64), temperature, " +
            "topK, topP, seed, modelId, primerPieceId or primerMidi");
        group.MapGet("/latest", Latest).WithName("LatestGeneration").WithSummary("The newest session started through this web host");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetGeneration").WithSummary("A session: status, notes so far, per-bar scores, piece id when done");
        group.MapPost("/{id:guid}/cancel", CancelAsync).WithName("CancelGeneration").WithSummary("Stop a running session (nothing is stored)");
        return endpoints;
    }

    private static Task<Results<Accepted<Started>, ValidationProblem, ProblemHttpResult>> StartAsync(GenerationService generations, GenerationBody body, HttpContext http) =>
        StartSessionAsync(generations, new GenerationRequest(body.Bars, body.Temperature ?? GenerationRequest.DefaultTemperature, body.TopK, body.TopP, body.Seed,
            body.ModelId, body.PrimerPieceId, body.PrimerMidi, body.Title, body.Candidates), http, ApiNames);

    /// <summary>
    /// Starts a session (a generation, harmonisation or regeneration): 202 with its id and its place under
    /// /api/generations, 400 naming the field that is wrong, 429 with Retry-After when the cluster is full.
    /// </summary>
    internal static async Task<Results<Accepted<Started>, ValidationProblem, ProblemHttpResult>> StartSessionAsync(GenerationService generations,
        GenerationRequest request, HttpContext http, IReadOnlyDictionary<string, string> apiNames)
    {
        try
        {
            GenerationSnapshot snapshot = await generations.StartAsync(request, http.Connection.RemoteIpAddress);
            return TypedResults.Accepted($"/api/generations/{snapshot.SessionId}", new Started(snapshot.SessionId));
        }
        catch (ArgumentException e)
        {
            return FieldProblems.From(e, apiNames);
        }
        catch (GenerationBusyException busy)
        {
            http.Response.Headers.RetryAfter = busy.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(busy.Message, statusCode: StatusCodes.Status429TooManyRequests, title: "Too Many Requests");
        }
    }

    private static Ok<LatestGeneration> Latest(GenerationService generations) => TypedResults.Ok(new LatestGeneration(generations.Latest));

    private static async Task<Results<Ok<GenerationSnapshot>, ProblemHttpResult>> GetAsync(GenerationService generations, Guid id) =>
        await generations.GetAsync(id) is { } snapshot ? TypedResults.Ok(snapshot) : FieldProblems.NotFound($"No generation '{id}'");

    private static async Task<Results<Accepted, ProblemHttpResult>> CancelAsync(GenerationService generations, Guid id)
    {
        if (await generations.GetAsync(id) is null) return FieldProblems.NotFound($"No generation '{id}'");
        await generations.CancelAsync(id);
        return TypedResults.Accepted($"/api/generations/{id}");
    }
}
