using MusicCluster.Music.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MusicCluster.Music.Models;

/// <summary>
/// Multi-head self-attention over [batch, time, width] with rotary positions. Our own rather than
/// nn.MultiheadAttention, which wants (time, batch, width) and knows neither rotary positions nor a KV cache.
/// </summary>
internal sealed class SelfAttention : nn.Module<Tensor, AttentionContext, Tensor>
{
    private readonly Linear queryKeyValue;
    private readonly Linear output;
    private readonly int heads;
    private readonly int headWidth;
    private readonly int layerIndex;
    private readonly double dropout;

    public SelfAttention(TransformerConfig config, int layerIndex) : base(nameof(SelfAttention))
    {
        heads = config.Heads;
        headWidth = config.HeadWidth;
        this.layerIndex = layerIndex;
        dropout = config.Dropout;
        queryKeyValue = nn.Linear(config.ModelWidth, 3L * config.ModelWidth, hasBias: true, dtype: float32);
        output = nn.Linear(config.ModelWidth, config.ModelWidth, hasBias: true, dtype: float32);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, AttentionContext context)
    {
        using var scope = NewDisposeScope();
        long batch = x.size(0), time = x.size(1), width = x.size(2);
        // [batch, time, 3, heads, headWidth] -> [3, batch, heads, time, headWidth]
        var qkv = queryKeyValue.forward(x).view(batch, time, 3, heads, headWidth).permute(2, 0, 3, 1, 4);
        var query = RotaryPositions.Apply(qkv[0], context.Cos, context.Sin);
        var key = RotaryPositions.Apply(qkv[1], context.Cos, context.Sin);
        var value = qkv[2];
        if (context.Cache is { } cache)
        {
            (key, value) = cache.Write(layerIndex, key, value);
            query = cache.QueriesFor(query);
        }
        var attended = context.TwiceDifferentiable
            ? ExplicitAttention(query, key, value, context.Mask, context.Causal)
            : nn.functional.scaled_dot_product_attention(query, key, value, context.Mask, training ? dropout : 0.0, context.Causal);
        if (context.Cache is { } stepCache) attended = stepCache.RowsOf(attended);
        var merged = attended.transpose(1, 2).reshape(batch, time, width);
        return scope.MoveToOuter(output.forward(merged));
    }

    /// <summary>softmax(q k^T / sqrt(d) + mask) v, the same function as the fused kernel (bool mask: true = may attend).</summary>
    private Tensor ExplicitAttention(Tensor query, Tensor key, Tensor value, Tensor? mask, bool causal)
    {
        using var scope = NewDisposeScope();
        var scores = query.matmul(key.transpose(-2, -1)).Times(1.0 / Math.Sqrt(headWidth));
        if (causal)
        {
            long queries = scores.size(-2), keys = scores.size(-1);
            mask = ones(queries, keys, dtype: @bool, device: scores.device).tril();
        }
        if (mask is not null) scores = scores.MaskedToNegativeInfinity(mask.logical_not());
        var weights = nn.functional.dropout(scores.softmax(-1), dropout, training);
        return scope.MoveToOuter(weights.matmul(value));
    }
}
