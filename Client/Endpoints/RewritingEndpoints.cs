using Microsoft.AspNetCore.Http.HttpResults;
using MusicCluster.Client.Hosting;
using MusicCluster.Client.Services;
using MusicCluster.Grains.Interfaces.Generation;
using MusicCluster.Grains.Interfaces.Library;
using static MusicCluster.Client.Endpoints.GenerationEndpoints;

namespace MusicCluster.Client.Endpoints;

/// <summary>
/// POST /api/harmonisations (alto, tenor and bass under a melody) and POST /api/pieces/{id}/regenerations (bars of a
/// piece rewritten): both start a generation session, read and cancelled under /api/generations/{id} and watched on
/// the generation hub like any other, so the studio shows them note by note with their bar scores.
/// </summary>
internal static class RewritingEndpoints
{
    /// <summary>The melody one way: melodyNotes (pitch, start and duration in quarter notes), melodyPieceId, or melodyMidi (base64).</summary>
    public sealed record HarmonisationBody(IReadOnlyList<MelodyNoteInput>? MelodyNotes = null, string? MelodyPieceId = null, byte[]? MelodyMidi = null,
        double? Temperature = null, int? TopK = null, double? TopP = null, long? Seed = null, string? ModelId = null, string? Title = null, int? Candidates = null);

    /// <summary>Bars from 1, inclusive; voices among soprano, alto, tenor, bass (all when absent).</summary>
    public sealed record RegenerationBody(int FromBar, int ToBar, IReadOnlyList<string>? Voices = null, double? Temperature = null, int? TopK = null,
        double? TopP = null, long? Seed = null, string? ModelId = null, string? Title = null, int? Candidates = null);

    private static readonly Dictionary<string, string> ApiNames = new() { ["model"] = "modelId" };

    public static IEndpointRouteBuilder MapRewritingEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/api/harmonisations").WithTags("Generation")
            .MapPost("", HarmoniseAsync).WithBodyLimit(RequestBodyKind.Generation).WithName("StartHarmonisation")
            .WithSummary("Harmonise a melody in four parts: melodyNotes, melodyPieceId or melodyMidi; temperature, topK, topP, seed, candidates, modelId (the chorale model)");
        endpoints.MapGroup("/api/pieces/{id}/regenerations").WithTags("Generation")
            .MapPost("", RegenerateAsync).WithName("StartRegeneration")
            .WithSummary("Rewrite bars fromBar-toBar of a piece (numbered from 1), in all voices or the named ones; the result is a new piece");
        return endpoints;
    }

    private static Task<Results<Accepted<Started>, ValidationProblem, ProblemHttpResult>> HarmoniseAsync(GenerationService generations, HarmonisationBody body,
        HttpContext http) =>
        StartSessionAsync(generations, new GenerationRequest(0, body.Temperature ?? GenerationRequest.DefaultTemperature, body.TopK, body.TopP, body.Seed,
            body.ModelId, Title: body.Title, Candidates: body.Candidates,
            Harmonisation: new HarmonisationInput(body.MelodyMidi, body.MelodyPieceId, body.MelodyNotes)), http, ApiNames);

    private static async Task<Results<Accepted<Started>, ValidationProblem, ProblemHttpResult>> RegenerateAsync(GenerationService generations,
        LibraryService library, string id, RegenerationBody body, HttpContext http)
    {
        if (!PieceIds.IsValid(id) || await library.GetAsync(id) is null) return FieldProblems.NotFound($"No piece '{id}'");
        return await StartSessionAsync(generations, new GenerationRequest(0, body.Temperature ?? GenerationRequest.DefaultTemperature, body.TopK, body.TopP,
            body.Seed, body.ModelId, Title: body.Title, Candidates: body.Candidates,
            Regeneration: new RegenerationInput(id, body.FromBar, body.ToBar, body.Voices)), http, ApiNames);
    }
}
