using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using MusicCluster.Grains.Interfaces.Storage;

namespace MusicCluster.Client.Hosting;

/// <summary>
/// Blob storage that could not be used answers with a problem detail naming the store, never 500: 503 with Retry-After
/// when it stayed unreachable past its retries (it may be back soon; nothing was acknowledged, so asking again is safe),
/// 507 Insufficient Storage when a write was refused for lack of space (an operator has to free some).
/// </summary>
internal sealed class StorageProblems(IProblemDetailsService problems, ILogger<StorageProblems> logger) : IExceptionHandler
{
    /// <summary>Seconds a client is told to wait before asking again while storage is unreachable.</summary>
    public const int RetryAfterSeconds = 10;

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (Find(exception) is not { } fault) return false;
        logger.LogWarning("{Method} {Path}: blob storage {Fault}: {Message}", context.Request.Method, context.Request.Path, fault.Fault, fault.Message);
        bool full = fault.Fault == StorageFault.Full;
        int status = full ? StatusCodes.Status507InsufficientStorage : StatusCodes.Status503ServiceUnavailable;
        context.Response.StatusCode = status;
        if (!full) context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        var details = new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = status,
                Title = full ? "Storage full" : "Storage unavailable",
                Detail = fault.Message + (full ? " Nothing stored before was changed; free space in the store and try again."
                    : $" Nothing was stored by this request; try again in {RetryAfterSeconds} s."),
                Extensions = { ["store"] = fault.Store },
            },
        };
        if (fault.BlobName is { } blob) details.ProblemDetails.Extensions["blob"] = blob;
        return await problems.TryWriteAsync(details);
    }

    private static StorageUnavailableException? Find(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
            if (e is StorageUnavailableException fault) return fault;
        return null;
    }
}
