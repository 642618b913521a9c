namespace MusicCluster.Music.Data;

/// <summary>
/// Input that is not a valid dataset source or dataset: names the file, where in it (a JSON path such as
/// <c>train[3][17][2]</c> and/or a byte offset) and what is wrong.
/// </summary>
public sealed class DatasetFormatException : FormatException
{
    public DatasetFormatException(string file, string problem, string? location = null, long? byteOffset = null, Exception? inner = null)
        : base(Describe(file, problem, location, byteOffset), inner)
    {
        File = file;
        Problem = problem;
        Location = location;
        ByteOffset = byteOffset;
    }

    public string File { get; }

    public string Problem { get; }

    /// <summary>A JSON path (<c>train[3][17][2]</c>, <c>$</c> for the document) or a part of a shard; null when the whole file is meant.</summary>
    public string? Location { get; }

    public long? ByteOffset { get; }

    private static string Describe(string file, string problem, string? location, long? byteOffset)
    {
        var where = new List<string>();
        if (location is not null) where.Add($"at {location}");
        if (byteOffset is not null) where.Add($"byte offset {byteOffset}");
        return where.Count == 0 ? $"{file}: {problem}" : $"{file} ({string.Join(", ", where)}): {problem}";
    }
}
