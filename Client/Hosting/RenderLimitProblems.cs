using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using MusicCluster.Grains.Interfaces.Library;

namespace MusicCluster.Client.Hosting;

/// <summary>
/// A render of a piece that a configured limit stopped answers with a problem detail naming the setting, never 500:
/// 422 when the piece is too long for audio (asking again cannot help; its MIDI file can be downloaded), 503 when the
/// render ran past its time limit (the server gave up on this request; a less busy server may finish it).
/// </summary>
internal sealed class RenderLimitProblems(IProblemDetailsService problems, ILogger<RenderLimitProblems> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not RenderLimitException limited) return false;
        logger.LogWarning("Render of piece {PieceId} as {Format} stopped by {Setting}: {Message}", limited.PieceId, limited.Format, limited.Setting, limited.Message);
        (int status, string title) = limited.Limit == RenderLimit.TooLong
            ? (StatusCodes.Status422UnprocessableEntity, "Piece too long for audio")
            : (StatusCodes.Status503ServiceUnavailable, "Render took too long");
        context.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = status,
                Title = title,
                Detail = limited.Message,
                Extensions = { ["setting"] = limited.Setting, ["format"] = limited.Format.ToString().ToLower(CultureInfo.InvariantCulture) },
            },
        });
    }
}
