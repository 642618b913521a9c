using MusicCluster.Music.Runtime;
using static TorchSharp.torch;

namespace MusicCluster.Music.Training;

/// <summary>
/// Straight-through Gumbel-softmax (Jang et al. 2017): a one-hot sample per position whose gradient is that of the
/// tempered softmax, so the critic's verdict on sampled tokens reaches the generator's logits.
/// </summary>
public static class GumbelSoftmax
{
    /// <summary>One-hot samples [.., vocab] (float32) from <paramref name="logits"/> [.., vocab]: forward the hard one-hot, backward the soft one.</summary>
    public static Tensor StraightThrough(Tensor logits, double temperature, Generator? random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(temperature);
        using var scope = NewDisposeScope();
        // Uniform noise kept away from 0 and 1 so both logarithms stay finite.
        var uniform = rand(logits.shape, dtype: logits.dtype, device: logits.device, generator: random).Clamped(1e-10, 1 - 1e-7);
        var gumbel = -(-uniform.log()).log();
        var soft = logits.Plus(gumbel).DividedBy(temperature).softmax(-1);
        var hard = nn.functional.one_hot(soft.argmax(-1), logits.size(-1)).to(soft.dtype);
        return scope.MoveToOuter((hard - soft.detach()).Plus(soft));
    }

    /// <summary>Temperature at <paramref name="progress"/> in [0, 1]: geometric from <paramref name="start"/> to <paramref name="end"/>.</summary>
    public static double Annealed(double start, double end, double progress) =>
        start * Math.Pow(end / start, Math.Clamp(progress, 0, 1));
}
