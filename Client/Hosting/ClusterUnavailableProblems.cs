using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Orleans.Runtime;

namespace MusicCluster.Client.Hosting;

/// <summary>
/// A grain call that cannot reach its silo (the silo was killed and the cluster has not yet declared it dead, or no
/// gateway answers) answers 503 with a problem detail and Retry-After instead of 500: the request was fine and asking
/// again shortly will reach the grain's new activation on a silo that is up.
/// </summary>
internal sealed class ClusterUnavailableProblems(IProblemDetailsService problems, ILogger<ClusterUnavailableProblems> logger) : IExceptionHandler
{
    /// <summary>Seconds a client is told to wait: about how long the cluster takes to declare a killed silo dead.</summary>
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsUnavailable(exception)) return false;
        logger.LogWarning("{Method} {Path}: the cluster could not be reached ({Exception}: {Message})", context.Request.Method, context.Request.Path,
            exception.GetType().Name, exception.Message);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Cluster unavailable",
                Detail = "A silo this request needs cannot be reached or did not answer in time (it may have stopped: the cluster moves " +
                    $"its work to the silos left within seconds, or it may be overloaded). Try again in {RetryAfterSeconds} s.",
            },
        });
    }

    /// <summary>Orleans's ways of saying a silo or gateway is not there: rejected messages (a dead or unknown silo, no gateway), a
    /// connection that fails, or no answer within the response time-out.</summary>
    private static bool IsUnavailable(Exception exception) => exception is OrleansMessageRejectionException or SiloUnavailableException
        or Orleans.Runtime.Messaging.ConnectionFailedException or TimeoutException;
}
