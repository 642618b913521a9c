using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Grains.Library;

namespace MusicCluster.Client.Hosting;

/// <summary>
/// A render or analysis of a piece that a configured limit stopped answers with a problem detail naming the setting,
/// never 500: 422 when the piece is too long for audio (asking again cannot help; its MIDI file can be downloaded), 503
/// when the work ran past its time limit (the server gave up on this request; a less busy server may finish it), and 503
/// with Retry-After when the silo already ran as many renders and analyses as it may at once.
/// </summary>
internal sealed class RenderLimitProblems(IProblemDetailsService problems, ILogger<RenderLimitProblems> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        (string pieceId, string work, string workKey, RenderLimit limit, string setting) = exception switch
        {
            RenderLimitException e => (e.PieceId, e.Format.ToString().ToLower(CultureInfo.InvariantCulture), "format", e.Limit, e.Setting),
            AnalysisLimitException e => (e.PieceId, e.Analysis, "analysis", e.Limit, e.Setting),
            _ => default,
        };
        if (setting is null) return false;
        logger.LogWarning("{Work} of piece {PieceId} stopped by {Setting}: {Message}", work, pieceId, setting, exception.Message);
        (int status, string title) = limit switch
        {
            RenderLimit.TooLong => (StatusCodes.Status422UnprocessableEntity, "Piece too long for audio"),
            RenderLimit.Busy => (StatusCodes.Status503ServiceUnavailable, "Server busy"),
            _ => (StatusCodes.Status503ServiceUnavailable, exception is AnalysisLimitException ? "Analysis took too long" : "Render took too long"),
        };
        context.Response.StatusCode = status;
        if (limit == RenderLimit.Busy) context.Response.Headers.RetryAfter = RenderLimits.BusyRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = status,
                Title = title,
                Detail = exception.Message,
                Extensions = { ["setting"] = setting, [workKey] = work },
            },
        });
    }
}
