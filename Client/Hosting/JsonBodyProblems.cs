using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;

namespace MusicCluster.Client.Hosting;

/// <summary>
/// A JSON body the endpoint cannot bind (a string where a number belongs, null for a required number, a number too
/// large for its field, NaN, broken base64, broken JSON) answers 400 with a validation problem naming the field and
/// where in the body it is, as every other bad field does, instead of a bare 400. Minimal APIs hand such failures to
/// the exception handler only when ThrowOnBadRequest is set (<see cref="ProblemHandlersHosting"/> sets it).
/// </summary>
internal sealed partial class JsonBodyProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad) return false;
        var (field, message) = bad.InnerException is JsonException json ? Describe(json) : ("request", bad.Message);
        context.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode == StatusCodes.Status400BadRequest ? "One or more validation errors occurred." : null,
            },
        });
    }

    /// <summary>The field a JSON error is about ("$.primerMidi" → primerMidi, "$.notes[3].pitch" → notes[3].pitch;
    /// the body itself when no field can be named) and a message with the line and byte where reading stopped.</summary>
    internal static (string Field, string Message) Describe(JsonException error)
    {
        string field = error.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";
        string what = ConversionTarget().Match(error.Message) is { Success: true } conversion
            ? $"not a valid {Friendly(conversion.Groups[1].Value)}"
            : "not valid JSON";
        string where = error.LineNumber is long line && error.BytePositionInLine is long position ? $" (line {line + 1}, byte {position + 1})" : "";
        return (field, $"{what}{where}");
    }

    private static string Friendly(string type) => type switch
    {
        "System.Int32" or "System.Int64" or "System.Nullable`1[System.Int32]" or "System.Nullable`1[System.Int64]" => "whole number in range",
        "System.Double" or "System.Nullable`1[System.Double]" => "number",
        "System.Byte[]" => "base64 string",
        "System.String" => "string",
        "System.Boolean" or "System.Nullable`1[System.Boolean]" => "true or false",
        _ => "value of this field",
    };

    [GeneratedRegex(@"could not be converted to ([\w.`\[\]]+)")]
    private static partial Regex ConversionTarget();
}
