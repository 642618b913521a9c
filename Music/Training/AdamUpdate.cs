using MusicCluster.Music.Runtime;
using static TorchSharp.torch;

namespace MusicCluster.Music.Training;

/// <summary>
/// One Adam update of one parameter (Kingma and Ba 2015, with AdamW's decoupled weight decay as an option),
/// the arithmetic of TorchSharp's Adam and AdamW but with every Scalar held until libtorch has used it
/// (see <see cref="TorchScalars"/>). Runs inside the optimizer's no-grad dispose scope.
/// </summary>
internal static class AdamUpdate
{
    public static void Apply(Tensor parameter, Tensor gradient, long step, Tensor firstMoment, Tensor secondMoment,
        double learningRate, double beta1, double beta2, double epsilon, double l2Decay, double decoupledDecay)
    {
        if (decoupledDecay != 0)
        {
            using var keep = TorchScalars.Of(1 - learningRate * decoupledDecay);
            parameter.mul_(keep);
        }
        if (l2Decay != 0)
        {
            using var decay = TorchScalars.Of(l2Decay);
            gradient = gradient.add(parameter, decay);
        }

        using var b1 = TorchScalars.Of(beta1);
        using var rest1 = TorchScalars.Of(1 - beta1);
        using var b2 = TorchScalars.Of(beta2);
        using var rest2 = TorchScalars.Of(1 - beta2);
        firstMoment.mul_(b1).add_(gradient, rest1);
        secondMoment.mul_(b2).addcmul_(gradient, gradient, rest2);

        double biasCorrection1 = 1 - Math.Pow(beta1, step);
        double biasCorrection2 = 1 - Math.Pow(beta2, step);
        using var correction2 = TorchScalars.Of(Math.Sqrt(biasCorrection2));
        using var eps = TorchScalars.Of(epsilon);
        var denominator = secondMoment.sqrt().div_(correction2).add_(eps, TorchScalars.One);
        using var stepSize = TorchScalars.Of(-learningRate / biasCorrection1);
        parameter.addcdiv_(firstMoment, denominator, stepSize);
    }
}
