namespace MusicCluster.Music.Scoring;

/// <summary>The objective metrics part of `eval`: overlap area of each scalar feature of the generated set against the real one.</summary>
public static class ObjectiveMetricsComparison
{
    public static IReadOnlyDictionary<string, double> OverlapAreas(IReadOnlyList<Pieces.Piece> generated, IReadOnlyList<Pieces.Piece> real)
    {
        var result = new SortedDictionary<string, double>(StringComparer.Ordinal);
        if (generated.Count == 0 || real.Count == 0) return result;
        foreach (FeatureComparison comparison in SetComparison.Compare(generated.Select(PieceFeatures.Of).ToList(), real.Select(PieceFeatures.Of).ToList()))
        {
            // Histogram features have no KDE overlap (NaN): their intra/inter-set overlap is reported instead.
            double value = double.IsNaN(comparison.OverlapArea) ? comparison.IntraInterOverlapArea : comparison.OverlapArea;
            if (!double.IsNaN(value) && !double.IsInfinity(value)) result[$"{comparison.Feature}.overlapArea"] = value;
        }
        return result;
    }
}
