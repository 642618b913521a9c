using Microsoft.AspNetCore.Diagnostics;
using MusicCluster.Grains.Interfaces.Library;

namespace MusicCluster.Client.Hosting;

/// <summary>
/// A piece whose stored files are damaged answers its files, notes and analyses with 409 and a problem detail saying
/// so (the piece exists, but not in a state that can be served), never 500. Logged once per request as a warning.
/// </summary>
internal sealed class DamagedPieceProblems(IProblemDetailsService problems, ILogger<DamagedPieceProblems> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not PieceDamagedException damaged) return false;
        logger.LogWarning("Piece {PieceId} is damaged: {Problem}", damaged.PieceId, damaged.Problem);
        context.Response.StatusCode = StatusCodes.Status409Conflict;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = StatusCodes.Status409Conflict, Title = "Piece damaged", Detail = damaged.Message },
        });
    }
}
