namespace MusicCluster.Client.Endpoints;

/// <summary>Turns a grain's "field: what is wrong" ArgumentException into a validation problem keyed by the API's field name.</summary>
internal static class FieldProblems
{
    public static Microsoft.AspNetCore.Http.HttpResults.ValidationProblem From(ArgumentException error, IReadOnlyDictionary<string, string>? rename = null)
    {
        string message = error.Message;
        int colon = message.IndexOf(':');
        string field = "request";
        if (colon > 0 && colon < 40 && !message[..colon].Contains(' '))
        {
            field = message[..colon];
            message = message[(colon + 1)..].Trim();
        }
        if (rename is not null && rename.TryGetValue(field, out string? renamed)) field = renamed;
        return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
    }

    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not Found");
}
