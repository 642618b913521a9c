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
    /// <summary>
    /// Where <paramref name="value"/> falls among the real values (0-100), interpolated between percentiles. A value
    /// that many real values share (a chorale's polyphony rate of 1, an empty-beat rate of 0) is at the middle of the
    /// percentiles it ties with, not at their edge: it is typical of the real music, not unusual.
    /// </summary>
    public double PercentileOf(double value)
    {
        if (!double.IsFinite(value) || Percentiles.Length != 101) return double.NaN;
        if (value < Percentiles[0]) return 0;
        if (value > Percentiles[100]) return 100;
        int first = Array.FindIndex(Percentiles, p => p >= value), last = Array.FindLastIndex(Percentiles, p => p <= value);
        if (first <= last) return (first + last) / 2.0; // equal to the percentiles first..last
        double low = Percentiles[last], high = Percentiles[first];
        return last + (value - low) / (high - low);
    }
}

/// <summary>How one piece's metric compares with the real pieces.</summary>
public sealed record MetricComparison(string Name, double Value, double Percentile, MetricDistribution Reference);

/// <summary>
/// A piece against the reference: its metrics, measured as the reference measures real music (the median over its
/// <paramref name="Excerpts"/> excerpts of the reference's length), and the length-dependent metrics left out
/// because the piece (of <paramref name="Bars"/> bars) is shorter than one excerpt.
/// </summary>
public sealed record PieceComparison(IReadOnlyList<MetricComparison> Metrics, int Bars, int Excerpts, IReadOnlyList<string> LeftOut);

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

    /// <summary>
    /// The piece's metrics against these distributions, each its median over the piece's excerpts of
    /// <see cref="ExcerptBars"/> bars (a piece that long or shorter is one excerpt): a 32-bar piece's note count is
    /// not compared with 8-bar excerpts' counts. For a piece shorter than an excerpt the length-dependent metrics are
    /// left out (<see cref="PieceFeatures.LengthDependentNames"/>); metrics the reference lacks or the piece cannot
    /// have (NaN) are left out too.
    /// </summary>
    public PieceComparison Compare(Piece piece)
    {
        int bars = piece.Notes.Count == 0 ? 0 : BarGrid.Compute(piece).Count;
        List<PieceFeatures> excerpts = ExcerptsOf(piece, ExcerptBars).Select(PieceFeatures.Of).ToList();
        List<string> leftOut = bars < ExcerptBars ? PieceFeatures.ScalarNames.Where(n => PieceFeatures.LengthDependentNames.Contains(n) && Scalars.ContainsKey(n)).ToList() : [];
        var metrics = new List<MetricComparison>();
        foreach (string name in PieceFeatures.ScalarNames.Where(n => Scalars.ContainsKey(n) && !leftOut.Contains(n)))
        {
            double value = Median(excerpts.Select(f => f.Scalars[name]).Where(double.IsFinite).Order().ToArray());
            if (double.IsFinite(value)) metrics.Add(new MetricComparison(name, value, Scalars[name].PercentileOf(value), Scalars[name]));
        }
        return new PieceComparison(metrics, bars, excerpts.Count, leftOut);
    }

    private static double Median(double[] sorted) => sorted.Length == 0 ? double.NaN : Quantile(sorted, 0.5);

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
