namespace MusicCluster.Music.Scoring;

/// <summary>A stored score calibration that cannot be used: names the source (file or blob) and the JSON field.</summary>
public sealed class CalibrationFormatException(string source, string field, string problem, Exception? inner = null)
    : FormatException($"{source}: {field}: {problem}", inner)
{
    public string Origin { get; } = source;

    public string Field { get; } = field;
}
