namespace MusicCluster.Music.Storage;

/// <summary>
/// The one rule for blob names, the same for every backend: relative, '/'-separated, no empty, '.' or '..' segments,
/// no segment starting with '.', no backslashes or control characters, at most 1024 characters (Azure's limit).
/// </summary>
public static class BlobName
{
    public const int MaxLength = 1024;

    public static string Validate(string? name)
    {
        if (string.IsNullOrEmpty(name)) throw new InvalidBlobNameException(name ?? "", "the name is empty");
        if (name.Length > MaxLength) throw new InvalidBlobNameException(name, $"longer than {MaxLength} characters");
        if (name.StartsWith('/')) throw new InvalidBlobNameException(name, "absolute paths are not allowed");
        if (name.EndsWith('/')) throw new InvalidBlobNameException(name, "the name ends with '/'");
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (c == '\\') throw new InvalidBlobNameException(name, $"backslash at character {i}; use '/'");
            if (char.IsControl(c)) throw new InvalidBlobNameException(name, $"control character at character {i}");
            if (c == ':' && i == 1) throw new InvalidBlobNameException(name, "drive-qualified paths are not allowed");
        }
        foreach (string segment in name.Split('/'))
        {
            if (segment.Length == 0) throw new InvalidBlobNameException(name, "empty path segment ('//')");
            if (segment is "." or "..") throw new InvalidBlobNameException(name, $"'{segment}' segments are not allowed");
            // Hidden names are reserved for the stores' own bookkeeping (temporary files, hash records).
            if (segment.StartsWith('.')) throw new InvalidBlobNameException(name, $"segment '{segment}' starts with '.'");
            if (segment.EndsWith('.')) throw new InvalidBlobNameException(name, $"segment '{segment}' ends with '.'");
        }
        return name;
    }

    /// <summary>A prefix for listing: empty, or a valid name optionally followed by '/'.</summary>
    public static string ValidatePrefix(string? prefix)
    {
        if (string.IsNullOrEmpty(prefix)) return "";
        Validate(prefix.TrimEnd('/'));
        return prefix;
    }
}
