using System.Text.Json;
using MusicCluster.Music.Notation;
using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Scoring;

/// <summary>
/// The distribution of one scalar metric over the real pieces: summary figures, the 101 percentiles (0, 1, ..., 100)
/// and a histogram of <see cref="ReferenceMetrics.HistogramBins"/> equal bins from Min to Max.
/// </summary>
public sealed record MetricDistribution(int Count, double Mean, double StandardDeviation, double Min, double Max, double[] Percentiles, int[] Histogram)
{
    /// <summary>The share (0-100) of real values below <paramref name="value"/>, interpolated between percentiles.</summary>
    public double PercentileOf(double value)
    {
        if (!double.IsFinite(value) || Percentiles.Length != 101) return double.NaN;
        if (value <= Percentiles[0]) return 0;
        if (value >= Percentiles[100]) return 100;
        for (int p = 1; p <= 100; p++)
        {
            if (value > Percentiles[p]) continue;
            double low = Percentiles[p - 1], high = Percentiles[p];
            return high > low ? p - 1 + (value - low) / (high - low) : p - 0.5;
        }
        return 100;
    }
}

/// <summary>How one piece's metric compares with the real pieces.</summary>
public sealed record MetricComparison(string Name, double Value, double Percentile, MetricDistribution Reference);

/// <summary>
/// Aggregated objective metrics of a real data set (never the pieces themselves): for each scalar metric of
/// <see cref="PieceFeatures"/> its distribution, for each histogram metric the mean histogram. Computed on excerpts
/// of <see cref="ExcerptBars"/> bars so that length-dependent metrics (note count, pitch range) compare with
/// generated pieces of that length. Ships beside a model as {checkpoint}.reference.json (`musiccluster reference`).
/// </summary>
public sealed record ReferenceMetrics(
    int FormatVersion, string Source, string Split, int Pieces, int Excerpts, int ExcerptBars,
    IReadOnlyDictionary<string, MetricDistribution> Scalars, IReadOnlyDictionary<string, double[]> MeanHistograms)
{
    public const int CurrentFormatVersion = 1;
    public const int HistogramBins = 20;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Where a checkpoint's reference metrics live: {name}.reference.json beside {name}.ckpt.</summary>
    public static string PathFor(string checkpointPath) => Path.ChangeExtension(checkpointPath, ".reference.json");

    public static ReferenceMetrics Compute(IEnumerable<Piece> pieces, string source, string split, int excerptBars)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(excerptBars, 1);
        var features = new List<PieceFeatures>();
        int pieceCount = 0;
        foreach (Piece piece in pieces)
        {
            pieceCount++;
            features.AddRange(ExcerptsOf(piece, excerptBars).Select(PieceFeatures.Of));
        }
        if (features.Count == 0) throw new ArgumentException($"the {split} split has no piece with notes: no reference can be computed");
        var scalars = new SortedDictionary<string, MetricDistribution>(StringComparer.Ordinal);
        foreach (string name in PieceFeatures.ScalarNames)
        {
            double[] values = features.Select(f => f.Scalars[name]).Where(double.IsFinite).Order().ToArray();
            if (values.Length > 0) scalars[name] = Distribution(values);
        }
        var histograms = new SortedDictionary<string, double[]>(StringComparer.Ordinal);
        foreach (string name in PieceFeatures.HistogramNames)
        {
            var present = features.Select(f => f.Histograms[name]).Where(h => h.Sum() > 0).ToList();
            if (present.Count > 0)
                histograms[name] = Enumerable.Range(0, present[0].Length).Select(i => present.Average(h => h[i])).ToArray();
        }
        return new ReferenceMetrics(CurrentFormatVersion, source, split, pieceCount, features.Count, excerptBars, scalars, histograms);
    }

    /// <summary>The piece's metrics against these distributions (metrics the reference lacks or the piece cannot have are left out).</summary>
    public IReadOnlyList<MetricComparison> Compare(Piece piece)
    {
        PieceFeatures features = PieceFeatures.Of(piece);
        return PieceFeatures.ScalarNames
            .Where(name => Scalars.ContainsKey(name) && double.IsFinite(features.Scalars[name]))
            .Select(name => new MetricComparison(name, features.Scalars[name], Scalars[name].PercentileOf(features.Scalars[name]), Scalars[name]))
            .ToList();
    }

    /// <summary>Consecutive excerpts of <paramref name="bars"/> whole bars (a shorter piece is one excerpt); notes are clipped at the excerpt's end.</summary>
    public static IEnumerable<Piece> ExcerptsOf(Piece piece, int bars)
    {
        if (piece.Notes.Count == 0) yield break;
        IReadOnlyList<Bar> grid = BarGrid.Compute(piece);
        if (grid.Count <= bars)
        {
            yield return piece;
            yield break;
        }
        for (int first = 0; first + bars <= grid.Count; first += bars)
        {
            long start = grid[first].StartTick, end = grid[first + bars - 1].EndTick;
            var notes = piece.Notes.Where(n => n.Start >= start && n.Start < end)
                .Select(n => n with { Start = n.Start - start, Duration = Math.Min(n.Duration, end - n.Start) }).ToList();
            if (notes.Count == 0) continue;
            yield return piece with
            {
                Notes = notes,
                Tempos = [piece.TempoAt(start) with { Tick = 0 }],
                TimeSignatures = [piece.TimeSignatureAt(start) with { Tick = 0 }],
                KeySignatures = [piece.KeySignatureAt(start) with { Tick = 0 }],
            };
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a reference file; a bad one is refused naming the file and what is wrong.</summary>
    public static ReferenceMetrics FromJson(string json, string path)
    {
        ReferenceMetrics? metrics;
        try
        {
            metrics = JsonSerializer.Deserialize<ReferenceMetrics>(json, Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a reference metrics file ({e.Message})", e);
        }
        if (metrics is null || metrics.FormatVersion != CurrentFormatVersion)
            throw new InvalidDataException($"{path}: formatVersion must be {CurrentFormatVersion}");
        if (metrics.Scalars is null || metrics.MeanHistograms is null)
            throw new InvalidDataException($"{path}: scalars and meanHistograms are required");
        foreach (var (name, distribution) in metrics.Scalars)
            if (distribution?.Percentiles is not { Length: 101 } || distribution.Histogram is not { Length: HistogramBins })
                throw new InvalidDataException($"{path}: scalars.{name} needs 101 percentiles and {HistogramBins} histogram bins");
        return metrics;
    }

    private static MetricDistribution Distribution(double[] sorted)
    {
        double mean = sorted.Average();
        double deviation = Math.Sqrt(sorted.Sum(v => (v - mean) * (v - mean)) / sorted.Length);
        double[] percentiles = Enumerable.Range(0, 101).Select(p => Quantile(sorted, p / 100.0)).ToArray();
        double min = sorted[0], max = sorted[^1];
        var histogram = new int[HistogramBins];
        foreach (double v in sorted)
            histogram[max > min ? Math.Min(HistogramBins - 1, (int)((v - min) / (max - min) * HistogramBins)) : 0]++;
        return new MetricDistribution(sorted.Length, mean, deviation, min, max, percentiles, histogram);
    }

    /// <summary>Linear interpolation between order statistics (the usual "type 7" quantile).</summary>
    private static double Quantile(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int low = (int)Math.Floor(position);
        int high = Math.Min(sorted.Length - 1, low + 1);
        return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
    }
}
