namespace MusicCluster.Music.Models;

/// <summary>One thing wrong with a configuration: the field (as named in its JSON) and what is wrong with it.</summary>
public sealed record ConfigFieldError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>A model or sampling configuration that cannot be used; lists every field that is wrong, not just the first.</summary>
public sealed class InvalidConfigException(string what, IReadOnlyList<ConfigFieldError> errors)
    : ArgumentException($"Invalid {what}: {string.Join("; ", errors)}")
{
    public IReadOnlyList<ConfigFieldError> Errors { get; } = errors;
}

/// <summary>The one way configs (architecture, run) are read from JSON: any JSON problem is an <see cref="InvalidConfigException"/> naming the JSON path.</summary>
public static class ConfigJson
{
    public static T Parse<T>(string json, System.Text.Json.JsonSerializerOptions options, string what) where T : class
    {
        T? config;
        try
        {
            config = System.Text.Json.JsonSerializer.Deserialize<T>(json, options);
        }
        catch (System.Text.Json.JsonException e)
        {
            string where = e.Path is { Length: > 0 } path ? path : "$";
            throw new InvalidConfigException(what, [new ConfigFieldError(where, e.Message)]);
        }
        return config ?? throw new InvalidConfigException(what, [new ConfigFieldError("$", "is null")]);
    }
}
