namespace MusicCluster.Music.Scoring;

/// <summary>
/// Gaussian kernel density estimates of two samples on a shared grid, and the two numbers Yang &amp; Lerch (2018)
/// compare them by: the overlapping area (1 = identical distributions, 0 = disjoint) and the KL divergence.
/// Bandwidths follow Scott's rule (σ·n^-1/5, as scipy's gaussian_kde); a sample with no spread borrows a tenth of
/// the pooled spread so a constant feature still has a density.
/// </summary>
public static class KernelDensity
{
    public const int GridPoints = 2048;

    /// <summary>Densities below this are treated as this in KL, so disjoint supports give a large finite divergence.</summary>
    public const double DensityFloor = 1e-10;

    public sealed record Comparison(double OverlapArea, double KlDivergence, double[] Grid, double[] P, double[] Q);

    /// <summary>Compares sample <paramref name="p"/> with sample <paramref name="q"/>: OA(P, Q) and KL(P ‖ Q).</summary>
    public static Comparison Compare(IReadOnlyList<double> p, IReadOnlyList<double> q)
    {
        double[] a = p.Where(double.IsFinite).ToArray(), b = q.Where(double.IsFinite).ToArray();
        if (a.Length == 0 || b.Length == 0) return new Comparison(double.NaN, double.NaN, [], [], []);
        double pooled = StandardDeviation(a.Concat(b).ToArray());
        double bandwidthA = Bandwidth(a, pooled), bandwidthB = Bandwidth(b, pooled);
        double margin = 5 * Math.Max(bandwidthA, bandwidthB);
        double low = Math.Min(a.Min(), b.Min()) - margin, high = Math.Max(a.Max(), b.Max()) + margin;
        double step = (high - low) / (GridPoints - 1);
        var grid = Enumerable.Range(0, GridPoints).Select(i => low + i * step).ToArray();
        double[] densityA = Density(a, bandwidthA, grid), densityB = Density(b, bandwidthB, grid);
        Normalize(densityA, step);
        Normalize(densityB, step);

        double overlap = 0, kl = 0;
        for (int i = 0; i < GridPoints; i++)
        {
            overlap += Math.Min(densityA[i], densityB[i]) * step;
            if (densityA[i] > 0) kl += densityA[i] * Math.Log(densityA[i] / Math.Max(densityB[i], DensityFloor)) * step;
        }
        return new Comparison(Math.Min(1, overlap), Math.Max(0, kl), grid, densityA, densityB);
    }

    public static double StandardDeviation(IReadOnlyList<double> values)
    {
        if (values.Count < 2) return 0;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    private static double Bandwidth(double[] values, double pooledSpread)
    {
        double sigma = StandardDeviation(values);
        if (sigma <= 0) sigma = pooledSpread > 0 ? pooledSpread / 10 : Math.Max(1e-3, Math.Abs(values[0]) * 1e-3);
        return sigma * Math.Pow(values.Length, -0.2);
    }

    /// <summary>
    /// Binned KDE: each value's weight is split linearly between its two nearest grid points, then the grid is
    /// convolved with the Gaussian kernel cut at 8 bandwidths. Cost grows with the grid and the kernel width, not with
    /// the sample size, so thousands of pairwise distances stay cheap; identical samples give identical densities.
    /// </summary>
    private static double[] Density(double[] values, double bandwidth, double[] grid)
    {
        double low = grid[0], step = grid[1] - grid[0];
        var weights = new double[grid.Length];
        foreach (double value in values)
        {
            double position = Math.Clamp((value - low) / step, 0, grid.Length - 1);
            int index = Math.Min((int)position, grid.Length - 2);
            double fraction = position - index;
            weights[index] += 1 - fraction;
            weights[index + 1] += fraction;
        }
        int reach = (int)Math.Min(grid.Length - 1, Math.Ceiling(8 * bandwidth / step));
        var kernel = new double[reach + 1];
        for (int k = 0; k <= reach; k++)
        {
            double z = k * step / bandwidth;
            kernel[k] = Math.Exp(-0.5 * z * z);
        }
        double norm = 1 / (values.Length * bandwidth * Math.Sqrt(2 * Math.PI));
        var density = new double[grid.Length];
        for (int j = 0; j < grid.Length; j++)
        {
            if (weights[j] == 0) continue;
            int from = Math.Max(0, j - reach), to = Math.Min(grid.Length - 1, j + reach);
            for (int i = from; i <= to; i++) density[i] += weights[j] * kernel[Math.Abs(i - j)];
        }
        for (int i = 0; i < density.Length; i++) density[i] *= norm;
        return density;
    }

    /// <summary>Rescales a density so it integrates to 1 on the grid, removing the grid's truncation and rounding error.</summary>
    private static void Normalize(double[] density, double step)
    {
        double area = density.Sum() * step;
        if (area > 0) for (int i = 0; i < density.Length; i++) density[i] /= area;
    }
}
