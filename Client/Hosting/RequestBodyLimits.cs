using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using MusicCluster.Hosting;

namespace MusicCluster.Client.Hosting;

/// <summary>Which request-body limit an endpoint has.</summary>
public enum RequestBodyKind
{
    /// <summary>Every body without a limit of its own: JSON of ratings, regenerations, training, sweeps, scoring jobs,
    /// models; sign-in and other page forms; requests that match no endpoint.</summary>
    Default,

    /// <summary>Generation and harmonisation requests, which may carry a MIDI file in base64 (primerMidi, melodyMidi).</summary>
    Generation,

    /// <summary>POST /api/score: a multipart form with the MIDI file to score.</summary>
    ScoreUpload,
}

/// <summary>One endpoint's request-body limit and the setting it comes from (endpoint metadata).</summary>
public sealed record RequestBodyLimit(long Bytes, string Setting) : IRequestSizeLimitMetadata
{
    long? IRequestSizeLimitMetadata.MaxRequestBodySize => Bytes;
}

/// <summary>
/// Request-body limits, from section MusicCluster:Limits: RequestBytes (default 256 KiB), GenerationRequestBytes
/// (2 MiB: a 1 MiB primer or melody file is 1.4 MB in base64) and ScoreUploadBytes (4 MiB: the form with the file to
/// score). Bad values fail at start naming the key.
/// </summary>
public sealed record RequestBodyLimits(RequestBodyLimit Default, RequestBodyLimit Generation, RequestBodyLimit ScoreUpload)
{
    public const string Section = "MusicCluster:Limits";
    public const int DefaultRequestBytes = 256 << 10;
    public const int DefaultGenerationRequestBytes = 2 << 20;
    public const int DefaultScoreUploadBytes = 4 << 20;

    public static RequestBodyLimits From(IConfiguration configuration)
    {
        IConfigurationSection section = configuration.GetSection(Section);
        RequestBodyLimit Read(string key, int fallback) => new(section.ReadInteger(key, fallback, 1 << 10, 1 << 30), $"{Section}:{key}");
        return new RequestBodyLimits(Read("RequestBytes", DefaultRequestBytes), Read("GenerationRequestBytes", DefaultGenerationRequestBytes),
            Read("ScoreUploadBytes", DefaultScoreUploadBytes));
    }

    public RequestBodyLimit For(RequestBodyKind kind) => kind switch
    {
        RequestBodyKind.Generation => Generation,
        RequestBodyKind.ScoreUpload => ScoreUpload,
        _ => Default,
    };
}

/// <summary>
/// Enforces each endpoint's request-body limit before anything reads the body, answering 413 with a problem detail
/// that names the limit and its setting:
/// <list type="bullet">
/// <item>a Content-Length above the limit is refused at once, unread, and the connection closed (so the server does
/// not wait for or drain what the client still means to send);</item>
/// <item>a body without Content-Length (chunked) is read here up to the limit: one byte more and it is refused; within
/// it, the endpoint reads it from memory (the endpoints buffer their bodies whole anyway: JSON, forms).</item>
/// </list>
/// The server's own per-request limit (IHttpMaxRequestBodySizeFeature, Kestrel) is set as a backstop: the same value
/// for a declared length, twice it for a chunked body, whose framing Kestrel counts too (so an endless chunk extension,
/// which carries no content, is cut off as well).
/// Doing this here rather than in each endpoint keeps the answer the same everywhere: a form reader would report an
/// oversized body as an unreadable form (400), and minimal APIs treat a failed body read as a dropped connection.
/// </summary>
internal static class RequestBodyLimiting
{
    /// <summary>Gives the endpoints built here the limit of <paramref name="kind"/> (from the configured <see cref="RequestBodyLimits"/>).</summary>
    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, RequestBodyKind kind) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint => endpoint.Metadata.Add(endpoint.ApplicationServices.GetRequiredService<RequestBodyLimits>().For(kind)));
        return builder;
    }

    /// <summary>After routing (the endpoint decides the limit), before authentication and the endpoints.</summary>
    public static WebApplication UseRequestBodyLimits(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            RequestBodyLimit limit = context.GetEndpoint()?.Metadata.GetMetadata<RequestBodyLimit>()
                ?? context.RequestServices.GetRequiredService<RequestBodyLimits>().Default;
            HttpRequest request = context.Request;
            // Kestrel counts a chunked body on the wire, its chunk sizes, extensions and line ends included: room for
            // framing (a body of one-byte chunks is 6 bytes a byte and refused), the content itself is counted below.
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } serverLimit)
                serverLimit.MaxRequestBodySize = request.ContentLength is null ? 2 * limit.Bytes : limit.Bytes;

            if (request.ContentLength is long declared)
            {
                if (declared > limit.Bytes)
                {
                    await RefuseAsync(context, limit, Invariant($"declares {declared:N0} bytes (Content-Length)"));
                    return;
                }
            }
            else if (MayCarryBody(context))
            {
                byte[]? body = await ReadWithinAsync(request.Body, limit.Bytes, context.RequestAborted);
                if (body is null)
                {
                    await RefuseAsync(context, limit, Invariant($"goes on past {limit.Bytes:N0} bytes"));
                    return;
                }
                request.Headers.Remove("Transfer-Encoding");
                request.Body = new MemoryStream(body, writable: false);
                request.ContentLength = body.Length;
            }
            await next(context);
        });
        return app;
    }

    /// <summary>A state change without Content-Length: a chunked HTTP/1.1 body, or an HTTP/2 or 3 body of unknown length.</summary>
    private static bool MayCarryBody(HttpContext context) =>
        (HttpMethods.IsPost(context.Request.Method) || HttpMethods.IsPut(context.Request.Method) || HttpMethods.IsPatch(context.Request.Method)
            || HttpMethods.IsDelete(context.Request.Method))
        && (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? context.Request.Headers.TransferEncoding.Count > 0);

    /// <summary>The whole body when it has at most <paramref name="limit"/> bytes; null as soon as it has more (the rest unread).</summary>
    private static async Task<byte[]?> ReadWithinAsync(Stream body, long limit, CancellationToken cancellation)
    {
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[16 << 10];
        try
        {
            while (true)
            {
                int read = await body.ReadAsync(chunk, cancellation);
                if (read == 0) return buffer.ToArray();
                if (buffer.Length + read > limit) return null;
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null; // the server's own limit (set to the same value) noticed first
        }
    }

    private static async Task RefuseAsync(HttpContext context, RequestBodyLimit limit, string what)
    {
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        // The body is left unread: close the connection after answering instead of reading the rest to reuse it.
        context.Response.Headers.Connection = "close";
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = "Content Too Large",
                Detail = Invariant($"The request body {what}; {context.Request.Method} {context.Request.Path} takes at most {limit.Bytes:N0} bytes ({limit.Setting})."),
                Extensions = { ["limit"] = limit.Bytes, ["setting"] = limit.Setting },
            },
        });
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
