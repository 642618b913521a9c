using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MusicCluster.Music.Models;

/// <summary>The position-wise two-layer network of a Transformer block: width -> feedForwardWidth -> GELU -> width.</summary>
internal sealed class FeedForward : nn.Module<Tensor, Tensor>
{
    private readonly Linear expand;
    private readonly Linear contract;

    public FeedForward(TransformerConfig config) : base(nameof(FeedForward))
    {
        expand = nn.Linear(config.ModelWidth, config.FeedForwardWidth, hasBias: true, dtype: float32);
        contract = nn.Linear(config.FeedForwardWidth, config.ModelWidth, hasBias: true, dtype: float32);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(contract.forward(nn.functional.gelu(expand.forward(x))));
    }
}
