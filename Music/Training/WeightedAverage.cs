namespace MusicCluster.Music.Training;

/// <summary>
/// The weighted mean of workers' vectors, summed in double. Weighted by the tokens each worker's loss averaged over,
/// the mean of the workers' gradients is the gradient of the loss averaged over all their tokens: one worker with
/// the whole batch, up to float rounding.
/// </summary>
public sealed class WeightedAverage(long length)
{
    private readonly double[] sum = new double[length];
    private double totalWeight;

    public void Add(ReadOnlySpan<float> values, double weight)
    {
        if (values.Length != sum.Length) throw new ArgumentException($"a vector of {values.Length} floats added to an average of {sum.Length}");
        if (!(weight > 0) || !double.IsFinite(weight)) throw new ArgumentOutOfRangeException(nameof(weight), weight, "a weight must be a positive number");
        for (int i = 0; i < sum.Length; i++) sum[i] += weight * values[i];
        totalWeight += weight;
    }

    public double TotalWeight => totalWeight;

    public float[] Mean()
    {
        if (totalWeight <= 0) throw new InvalidOperationException("nothing was added to the average");
        var mean = new float[sum.Length];
        for (int i = 0; i < sum.Length; i++) mean[i] = (float)(sum[i] / totalWeight);
        return mean;
    }
}
