using static TorchSharp.torch;

namespace MusicCluster.Music.Models;

/// <summary>
/// The storage of the KV caches: per attention layer a keys and a values tensor [rows, heads, contextLength,
/// headWidth] of zeros, allocated once. Detached from any dispose scope open around the caller, because a cache
/// outlives every sampling step; disposing this frees them.
/// </summary>
internal sealed class LayerKeyValues : IDisposable
{
    public LayerKeyValues(TransformerConfig config, int rows, Device device, ScalarType dtype)
    {
        long[] shape = [rows, config.Heads, config.ContextLength, config.HeadWidth];
        Keys = new Tensor[config.Layers];
        Values = new Tensor[config.Layers];
        for (int layer = 0; layer < config.Layers; layer++)
        {
            Keys[layer] = zeros(shape, dtype: dtype, device: device).DetachFromDisposeScope();
            Values[layer] = zeros(shape, dtype: dtype, device: device).DetachFromDisposeScope();
        }
    }

    public Tensor[] Keys { get; }

    public Tensor[] Values { get; }

    public void Dispose()
    {
        foreach (var tensor in Keys.Concat(Values)) tensor.Dispose();
    }
}
