using MusicCluster.Music.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MusicCluster.Music.Models;

/// <summary>
/// One pre-LN Transformer block: x + attention(norm(x)), then + feedForward(norm(x)). Normalising before each
/// branch keeps the residual stream an identity path, which trains stably without learning-rate warm-up tricks.
/// </summary>
internal sealed class TransformerBlock : nn.Module<Tensor, AttentionContext, Tensor>
{
    private readonly LayerNorm attentionNorm;
    private readonly SelfAttention attention;
    private readonly LayerNorm feedForwardNorm;
    private readonly FeedForward feedForward;
    private readonly Dropout residualDropout;

    public TransformerBlock(TransformerConfig config, int layerIndex) : base(nameof(TransformerBlock))
    {
        attentionNorm = nn.LayerNorm(config.ModelWidth, dtype: float32);
        attention = new SelfAttention(config, layerIndex);
        feedForwardNorm = nn.LayerNorm(config.ModelWidth, dtype: float32);
        feedForward = new FeedForward(config);
        residualDropout = nn.Dropout(config.Dropout);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, AttentionContext context)
    {
        using var scope = NewDisposeScope();
        var afterAttention = x.Plus(residualDropout.forward(attention.forward(attentionNorm.forward(x), context)));
        var afterFeedForward = afterAttention.Plus(residualDropout.forward(feedForward.forward(feedForwardNorm.forward(afterAttention))));
        return scope.MoveToOuter(afterFeedForward);
    }
}
