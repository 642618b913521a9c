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
