using Microsoft.AspNetCore.Diagnostics;
using Orleans.Runtime;

namespace MusicCluster.Client.Hosting;

/// <summary>
/// A grain call that the cluster could not answer — its silo crashed and is not yet declared dead (the call waits out
/// Orleans' 30 s response timeout), or no silo could take it — answers 503 with Retry-After and a problem detail,
/// never 500: the request was fine and a retry a few seconds later reaches the silos that are left.
/// </summary>
internal sealed class ClusterUnavailableProblems(IProblemDetailsService problems, ILogger<ClusterUnavailableProblems> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not (TimeoutException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException)) return false;
        logger.LogWarning("{Method} {Path}: the cluster did not answer ({Error})", context.Request.Method, context.Request.Path, exception.GetType().Name);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Cluster unavailable",
                Detail = "The cluster did not answer in time (a silo may just have left it); try again shortly.",
            },
        });
    }
}
