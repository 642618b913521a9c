namespace MusicCluster.Music.Training;

/// <summary>
/// DiLoCo's outer optimizer: SGD with Nesterov momentum whose "gradient" is the averaged parameter change of a round,
/// negated (outer gradient = snapshot - local). As PyTorch's SGD(nesterov=True, dampening=0): m = mu m + g;
/// p = snapshot - lr (g + mu m). With lr 1 and mu 0 it is plain averaging of the workers' parameters.
/// Plain float arithmetic on the flat vector: it runs once a round on the coordinator, a few milliseconds.
/// </summary>
/// <param name="momentumBuffer">The momentum to continue from (a resumed run's checkpoint); null starts at zero.</param>
public sealed class NesterovOuterOptimizer(double learningRate, double momentum, float[]? momentumBuffer = null)
{
    private float[]? buffer = momentumBuffer?.ToArray();

    /// <summary>A copy of the momentum buffer (null before the first round of a run that did not resume one).</summary>
    public float[]? Momentum => buffer?.ToArray();

    /// <summary>The parameters after the round: <paramref name="snapshot"/> moved by the outer step along <paramref name="averagedDelta"/> (local - snapshot).</summary>
    public float[] Apply(ReadOnlySpan<float> snapshot, ReadOnlySpan<float> averagedDelta)
    {
        if (snapshot.Length != averagedDelta.Length) throw new ArgumentException($"snapshot has {snapshot.Length} floats, the delta {averagedDelta.Length}");
        buffer ??= new float[snapshot.Length];
        if (buffer.Length != snapshot.Length) throw new ArgumentException($"the optimizer holds momentum for {buffer.Length} parameters, got {snapshot.Length}");
        var result = new float[snapshot.Length];
        float mu = (float)momentum, rate = (float)learningRate;
        for (int i = 0; i < result.Length; i++)
        {
            float gradient = -averagedDelta[i];
            buffer[i] = mu * buffer[i] + gradient;
            result[i] = snapshot[i] - rate * (gradient + mu * buffer[i]);
        }
        return result;
    }
}
