namespace MusicCluster.Music.Scoring;

/// <summary>
/// How one feature of a set of pieces compares with a reference set (e.g. generated pieces against the training data).
/// <see cref="OverlapArea"/> and <see cref="KlDivergence"/> compare the feature's own distributions, KDE(set) against
/// KDE(reference): OA = 1 and KL = 0 for identical sets; they are NaN for histogram features. The Yang &amp; Lerch (2018)
/// relative measures compare the reference's intra-set distances with the set-to-reference inter-set distances
/// (absolute difference for scalars, Euclidean distance for histograms): OA near 1 and KL near 0 mean the set is as close
/// to the reference as the reference is to itself.
/// </summary>
public sealed record FeatureComparison(
    string Feature, double SetMean, double SetStandardDeviation, double ReferenceMean, double ReferenceStandardDeviation,
    double OverlapArea, double KlDivergence, double IntraInterOverlapArea, double IntraInterKlDivergence);

public static class SetComparison
{
    /// <summary>Pairwise distance lists longer than this are thinned evenly, keeping the KDE cost bounded for large sets.</summary>
    public const int MaxDistances = 4000;

    public static IReadOnlyList<FeatureComparison> Compare(IReadOnlyList<PieceFeatures> set, IReadOnlyList<PieceFeatures> reference)
    {
        if (set.Count == 0 || reference.Count == 0) throw new ArgumentException("Both sets need at least one piece");
        var results = new List<FeatureComparison>();
        foreach (string name in PieceFeatures.ScalarNames)
        {
            double[] a = set.Select(f => f.Scalars[name]).Where(double.IsFinite).ToArray();
            double[] b = reference.Select(f => f.Scalars[name]).Where(double.IsFinite).ToArray();
            KernelDensity.Comparison direct = KernelDensity.Compare(a, b);
            var (intraInterOverlap, intraInterKl) = Relative(a.Select(v => new[] { v }).ToList(), b.Select(v => new[] { v }).ToList());
            results.Add(new FeatureComparison(name, Mean(a), KernelDensity.StandardDeviation(a), Mean(b), KernelDensity.StandardDeviation(b),
                direct.OverlapArea, direct.KlDivergence, intraInterOverlap, intraInterKl));
        }
        foreach (string name in PieceFeatures.HistogramNames)
        {
            var a = set.Select(f => f.Histograms[name]).Where(h => h.Sum() > 0).ToList();
            var b = reference.Select(f => f.Histograms[name]).Where(h => h.Sum() > 0).ToList();
            var (intraInterOverlap, intraInterKl) = Relative(a, b);
            results.Add(new FeatureComparison(name, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, intraInterOverlap, intraInterKl));
        }
        return results;
    }

    /// <summary>OA and KL between the reference's intra-set distances and the set-to-reference distances.</summary>
    private static (double Overlap, double Kl) Relative(IReadOnlyList<double[]> set, IReadOnlyList<double[]> reference)
    {
        var intra = new List<double>();
        for (int i = 0; i < reference.Count; i++)
            for (int j = i + 1; j < reference.Count; j++) intra.Add(Distance(reference[i], reference[j]));
        var inter = new List<double>();
        foreach (double[] x in set)
            foreach (double[] y in reference) inter.Add(Distance(x, y));
        if (intra.Count == 0 || inter.Count == 0) return (double.NaN, double.NaN);
        KernelDensity.Comparison comparison = KernelDensity.Compare(Thin(intra), Thin(inter));
        return (comparison.OverlapArea, comparison.KlDivergence);
    }

    private static double Distance(double[] x, double[] y)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++) sum += (x[i] - y[i]) * (x[i] - y[i]);
        return Math.Sqrt(sum);
    }

    private static List<double> Thin(List<double> values)
    {
        if (values.Count <= MaxDistances) return values;
        double stride = values.Count / (double)MaxDistances;
        return Enumerable.Range(0, MaxDistances).Select(i => values[(int)(i * stride)]).ToList();
    }

    private static double Mean(double[] values) => values.Length == 0 ? double.NaN : values.Average();
}
