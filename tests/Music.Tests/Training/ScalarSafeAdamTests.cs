using MusicCluster.Music.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MusicCluster.Music.Tests.Training;

/// <summary>
/// ScalarSafeAdam(W) rewrites TorchSharp's Adam(W) step only to hold its scalars: the same parameters with the same
/// gradients must come out of both the same, step after step (bias correction, moments, both kinds of weight decay).
/// </summary>
public sealed class ScalarSafeAdamTests
{
    private const int Steps = 3;

    [Theory]
    [InlineData(false, 0.0)]
    [InlineData(false, 0.1)]
    [InlineData(true, 0.1)]
    public void Each_step_equals_torchsharps_own_on_the_same_parameters(bool decoupled, double weightDecay)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(17);
        Tensor start = randn([5, 4], generator: generator);
        Tensor[] directions = Enumerable.Range(0, Steps).Select(_ => randn([5, 4], generator: generator)).ToArray();
        var ours = new TorchSharp.Modules.Parameter(start.clone());
        var theirs = new TorchSharp.Modules.Parameter(start.clone());
        using optim.Optimizer safe = decoupled
            ? new ScalarSafeAdamW([ours], lr: 0.01, beta1: 0.8, beta2: 0.95, eps: 1e-6, weightDecay: weightDecay)
            : new ScalarSafeAdam([ours], lr: 0.01, beta1: 0.8, beta2: 0.95, eps: 1e-6, weightDecay: weightDecay);
        using optim.Optimizer reference = TorchSharpReference.Adam(theirs, decoupled, weightDecay);

        for (int step = 0; step < Steps; step++)
        {
            Step(safe, ours, directions[step]);
            TorchSharpReference.Step(reference, theirs, directions[step]);
            float[] got = ours.data<float>().ToArray(), expected = theirs.data<float>().ToArray();
            // The same arithmetic, possibly in another order: within float rounding, while a wrong moment, bias
            // correction or decay would move a weight by about the learning rate (1e-2).
            FloatAssert.Close(expected.Select(v => (double)v).ToList(), got.Select(v => (double)v).ToList(), 1e-6);
        }
        Assert.False(ours.data<float>().SequenceEqual(start.data<float>()), "the steps moved the parameters");
    }

    /// <summary>Gradient of sum(parameter * direction) is the direction: a known gradient for the step.</summary>
    private static void Step(optim.Optimizer optimizer, TorchSharp.Modules.Parameter parameter, Tensor direction)
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        (parameter * direction).sum().backward();
        optimizer.step();
    }

    /// <summary>
    /// TorchSharp's own optimizers, which make temporary scalars a garbage collection on another thread may free
    /// mid-call (TorchScalarRules exempts this class, as it does its Offenders): each step runs in a region where no
    /// collection starts, and the test fails if one did.
    /// </summary>
    private static class TorchSharpReference
    {
        public static optim.Optimizer Adam(TorchSharp.Modules.Parameter parameter, bool decoupled, double weightDecay) => decoupled
            ? optim.AdamW([parameter], lr: 0.01, beta1: 0.8, beta2: 0.95, eps: 1e-6, weight_decay: weightDecay)
            : optim.Adam([parameter], lr: 0.01, beta1: 0.8, beta2: 0.95, eps: 1e-6, weight_decay: weightDecay);

        public static void Step(optim.Optimizer optimizer, TorchSharp.Modules.Parameter parameter, Tensor direction)
        {
            if (!GC.TryStartNoGCRegion(64 << 20)) throw new InvalidOperationException("no GC-free region for TorchSharp's Adam step");
            try
            {
                ScalarSafeAdamTests.Step(optimizer, parameter, direction);
            }
            finally
            {
                // A collection that still ran (the budget was spent) fails the test loudly rather than risk a freed scalar unseen.
                GC.EndNoGCRegion();
            }
        }
    }
}
