using TorchSharp;
using static TorchSharp.torch;

namespace MusicCluster.Music.Training;

/// <summary>
/// TorchSharp's Adam with a step that cannot lose a Scalar to the finalizer mid-call (see
/// <see cref="Runtime.TorchScalars"/>); same options, state and saved format, so checkpoints load either way.
/// </summary>
public sealed class ScalarSafeAdam(IEnumerable<TorchSharp.Modules.Parameter> parameters, double lr, double beta1 = 0.9, double beta2 = 0.999,
    double eps = 1e-8, double weightDecay = 0)
    : TorchSharp.Modules.Adam(parameters, lr, beta1, beta2, eps, weightDecay)
{
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        foreach (var parameter in group.Parameters)
        {
            if (parameter.grad is not { } gradient) continue;
            var state = (State)_state[parameter.Handle];
            state.step += 1;
            AdamUpdate.Apply(parameter, gradient, state.step, state.exp_avg, state.exp_avg_sq, options.LearningRate!.Value,
                options.beta1!.Value, options.beta2!.Value, options.eps!.Value, l2Decay: options.weight_decay!.Value, decoupledDecay: 0);
        }
    }, closure);
}
