using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using MusicCluster.Music.Data;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Training;

namespace MusicCluster.Grains.Library;

/// <summary>
/// Where the real data pieces are compared with comes from: MusicCluster:ReferenceMetrics (a reference metrics file;
/// default: the one beside the shipped model), MusicCluster:ReferenceDataset (a dataset folder for similarity; none by
/// default, because real pieces do not ship) and MusicCluster:ReferenceSplit (default "train").
/// </summary>
public sealed record PieceReferenceSettings(string? MetricsPath, string? Dataset, string Split)
{
    public static PieceReferenceSettings From(IConfiguration configuration) => new(
        NullIfEmpty(configuration["MusicCluster:ReferenceMetrics"]) ?? (ShippedModel.CheckpointPath is { } shipped ? ReferenceMetrics.PathFor(shipped) : null),
        NullIfEmpty(configuration["MusicCluster:ReferenceDataset"]),
        NullIfEmpty(configuration["MusicCluster:ReferenceSplit"]) ?? "train");

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>The real pieces of the reference data set, indexed for similarity, with their melodies for shared passages.</summary>
public sealed record SimilarityReference(string Name, SimilarityIndex Index, IReadOnlyDictionary<string, Piece> Pieces);

/// <summary>
/// The reference data, loaded once per silo on first use, off the Orleans scheduler (decoding a data set takes a
/// while). A reference that cannot be loaded is reported (Problem) rather than retried on every request.
/// </summary>
public sealed class PieceReferenceData(PieceReferenceSettings settings, ILogger<PieceReferenceData> logger)
{
    private readonly Lazy<Task<(ReferenceMetrics? Metrics, string? Problem)>> _metrics = new(() => Task.Run(() => LoadMetrics(settings, logger)));
    private readonly Lazy<Task<(SimilarityReference? Reference, string? Problem)>> _similarity = new(() => Task.Run(() => LoadSimilarity(settings, logger)));

    public PieceReferenceSettings Settings => settings;

    public Task<(ReferenceMetrics? Metrics, string? Problem)> MetricsAsync() => _metrics.Value;

    public Task<(SimilarityReference? Reference, string? Problem)> SimilarityAsync() => _similarity.Value;

    private static (ReferenceMetrics?, string?) LoadMetrics(PieceReferenceSettings settings, ILogger logger)
    {
        if (settings.MetricsPath is not { } path) return (null,
            "No reference metrics: this build ships no model; set MusicCluster:ReferenceMetrics to a file written by `musiccluster reference`.");
        try
        {
            return (ReferenceMetrics.FromJson(File.ReadAllText(path), path), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            logger.LogWarning("Reference metrics {Path} cannot be read: {Problem}", path, e.Message);
            return (null, $"The reference metrics {Path.GetFileName(path)} cannot be read: {e.Message}");
        }
    }

    private static (SimilarityReference?, string?) LoadSimilarity(PieceReferenceSettings settings, ILogger logger)
    {
        if (settings.Dataset is not { } folder) return (null, null);
        try
        {
            var dataset = TokenDataset.Open(folder);
            var pieces = new Dictionary<string, Piece>(StringComparer.Ordinal);
            foreach (var (label, piece) in dataset.ReadPieces(settings.Split))
                pieces.TryAdd(label, piece);
            var index = new SimilarityIndex(pieces.Select(p => (p.Key, p.Value)));
            string name = $"{Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)))} ({settings.Split}, {pieces.Count} pieces)";
            logger.LogInformation("Similarity reference: {Name}", name);
            return (new SimilarityReference(name, index, pieces), null);
        }
        catch (Exception e) when (e is DatasetFormatException or IOException or UnauthorizedAccessException or ArgumentException or InvalidDataException
            or Music.Tokens.TokenDecodeException)
        {
            logger.LogWarning("Reference dataset {Folder} cannot be used: {Problem}", folder, e.Message);
            return (null, $"The reference data set MusicCluster:ReferenceDataset = {folder} cannot be used: {e.Message}");
        }
    }
}
