using Microsoft.AspNetCore.Http.HttpResults;
using MusicCluster.Client.Hosting;
using MusicCluster.Client.Services;
using MusicCluster.Grains.Interfaces.Library;

namespace MusicCluster.Client.Endpoints;

/// <summary>/api/pieces: the library (list, search, sort, page), one piece, its files, ratings, deletion (admin).</summary>
internal static class PiecesEndpoints
{
    public sealed record RatingRequest(int Stars);

    private static readonly Dictionary<string, (PieceFormat Format, string ContentType, string Extension)> Formats = new(StringComparer.OrdinalIgnoreCase)
    {
        ["midi"] = (PieceFormat.Midi, "audio/midi", ".mid"),
        ["musicxml"] = (PieceFormat.MusicXml, "application/vnd.recordare.musicxml+xml", ".musicxml"),
        ["wav"] = (PieceFormat.Wav, "audio/wav", ".wav"),
        ["jianpu"] = (PieceFormat.Jianpu, "image/svg+xml", ".svg"),
    };

    public static IEndpointRouteBuilder MapPiecesEndpoints(this IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder group = endpoints.MapGroup("/api/pieces").WithTags("Pieces");
        group.MapGet("", ListAsync).WithName("ListPieces").WithSummary("Pieces of the library: sort=created|score|rating, order=desc|asc, skip, take (1-200), q (text)");
        group.MapGet("/{id}", GetAsync).WithName("GetPiece").WithSummary("One piece: metadata, provenance, score, rating");
        group.MapGet("/{id}/notes", GetNotesAsync).WithName("GetPieceNotes")
            .WithSummary("Notes (times in quarter notes), bar starts and per-bar scores, for the piano roll");
        group.MapGet("/{id}/metrics", GetMetricsAsync).WithName("GetPieceMetrics")
            .WithSummary("Objective metrics and where each falls among the real pieces of the reference that ships with the model");
        group.MapGet("/{id}/similarity", GetSimilarityAsync).WithName("GetPieceSimilarity")
            .WithSummary("Nearest real pieces of the configured reference data set (MusicCluster:ReferenceDataset), with the longest shared passage");
        group.MapGet("/{id}/{format}", GetFileAsync).WithName("GetPieceFile").WithSummary("The piece as midi, musicxml, wav or jianpu (SVG)");
        group.MapPost("/{id}/ratings", RateAsync).WithName("RatePiece").WithSummary("Rate a piece with 1-5 stars");
        group.MapDelete("/{id}", DeleteAsync).RequireAuthorization(AuthHosting.AdminPolicy).WithName("DeletePiece")
            .WithSummary("Delete a piece: its files, its ratings and its library entry (admin)");
        return endpoints;
    }

    private static async Task<Results<Ok<LibraryPage>, ValidationProblem>> ListAsync(LibraryService library,
        string? sort = null, string? order = null, int skip = 0, int take = 50, string? q = null)
    {
        var errors = new Dictionary<string, string[]>();
        LibrarySort parsedSort = LibrarySort.Created;
        if (sort is not null && !Enum.TryParse(sort, ignoreCase: true, out parsedSort) || !Enum.IsDefined(parsedSort))
            errors["sort"] = [$"'{sort}' is not one of created, score, rating"];
        if (order is not null && order is not ("asc" or "desc")) errors["order"] = [$"'{order}' is not asc or desc"];
        if (skip < 0) errors["skip"] = ["must be 0 or more"];
        if (take is < 1 or > LibraryQuery.MaxTake) errors["take"] = [$"must be 1 to {LibraryQuery.MaxTake}"];
        if (q is { Length: > 200 }) errors["q"] = ["at most 200 characters"];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        return TypedResults.Ok(await library.ListAsync(new LibraryQuery(parsedSort, order != "asc", skip, take, q)));
    }

    private static async Task<Results<Ok<PieceDetails>, ProblemHttpResult, ValidationProblem>> GetAsync(LibraryService library, string id)
    {
        if (!PieceIds.IsValid(id)) return InvalidId(id);
        PieceDetails? piece = await library.GetAsync(id);
        return piece is null ? TypedResults.Problem($"No piece '{id}'", statusCode: StatusCodes.Status404NotFound, title: "Not Found") : TypedResults.Ok(piece);
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult, ValidationProblem>> GetFileAsync(LibraryService library, string id, string format)
    {
        if (!PieceIds.IsValid(id)) return InvalidId(id);
        if (!Formats.TryGetValue(format, out var target))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["format"] = [$"'{format}' is not one of {string.Join(", ", Formats.Keys)}"] });
        if (await library.GetAsync(id) is null) return TypedResults.Problem($"No piece '{id}'", statusCode: StatusCodes.Status404NotFound, title: "Not Found");
        byte[] bytes = await library.GetFileAsync(id, target.Format);
        return TypedResults.File(bytes, target.ContentType, id + target.Extension);
    }

    private static async Task<Results<NoContent, ProblemHttpResult, ValidationProblem>> DeleteAsync(LibraryService library, string id)
    {
        if (!PieceIds.IsValid(id)) return InvalidId(id);
        return await library.DeleteAsync(id) ? TypedResults.NoContent() : TypedResults.Problem($"No piece '{id}'", statusCode: StatusCodes.Status404NotFound, title: "Not Found");
    }

    private static async Task<Results<Ok<RatingSummary>, ProblemHttpResult, ValidationProblem>> RateAsync(LibraryService library, string id, RatingRequest request)
    {
        if (!PieceIds.IsValid(id)) return InvalidId(id);
        if (request.Stars is < 1 or > 5)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["stars"] = [$"a rating is 1 to 5 stars, not {request.Stars}"] });
        if (await library.GetAsync(id) is null) return TypedResults.Problem($"No piece '{id}'", statusCode: StatusCodes.Status404NotFound, title: "Not Found");
        return TypedResults.Ok(await library.RateAsync(id, request.Stars));
    }

    private static Task<Results<Ok<PieceNotes>, ProblemHttpResult, ValidationProblem>> GetNotesAsync(LibraryService library, string id) =>
        AnalysisAsync(id, library.GetNotesAsync);

    private static Task<Results<Ok<PieceMetrics>, ProblemHttpResult, ValidationProblem>> GetMetricsAsync(LibraryService library, string id) =>
        AnalysisAsync(id, library.GetMetricsAsync);

    private static Task<Results<Ok<PieceSimilarity>, ProblemHttpResult, ValidationProblem>> GetSimilarityAsync(LibraryService library, string id) =>
        AnalysisAsync(id, library.GetSimilarityAsync);

    private static async Task<Results<Ok<T>, ProblemHttpResult, ValidationProblem>> AnalysisAsync<T>(string id, Func<string, Task<T?>> analyse) where T : class
    {
        if (!PieceIds.IsValid(id)) return InvalidId(id);
        T? result = await analyse(id);
        return result is null ? TypedResults.Problem($"No piece '{id}'", statusCode: StatusCodes.Status404NotFound, title: "Not Found") : TypedResults.Ok(result);
    }

    private static ValidationProblem InvalidId(string id) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = [$"'{id}' is not a piece id (1-64 of a-z, 0-9, '-')"] });
}
