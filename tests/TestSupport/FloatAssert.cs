using Xunit;

namespace MusicCluster.TestSupport;

/// <summary>
/// Float comparisons for results that may take different arithmetic paths (batch size, thread count, kernel choice):
/// those change the order of float sums, so only equality within a tolerance is a fact worth asserting.
/// </summary>
public static class FloatAssert
{
    /// <summary>Same length, and each pair within <paramref name="tolerance"/> (absolute, or relative to the larger magnitude above 1).</summary>
    public static void Close(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tolerance)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            double scale = Math.Max(1, Math.Max(Math.Abs(expected[i]), Math.Abs(actual[i])));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale,
                $"element {i}: expected {expected[i]:R}, got {actual[i]:R} (tolerance {tolerance})");
        }
    }
}
