using static TorchSharp.torch;

namespace MusicCluster.Music.Models;

/// <summary>
/// Keys and values of every attention layer for the tokens a generator has already seen, so that sampling the
/// next token costs one position instead of the whole sequence. Per layer, keys and values are
/// [batch, heads, contextLength, headWidth], allocated once; <see cref="Length"/> positions of them are filled.
/// Owns its tensors (they live outside any dispose scope): dispose the cache when sampling ends.
/// </summary>
public sealed class KvCache : IAttentionCache, IDisposable
{
    private readonly LayerKeyValues storage;
    private readonly Tensor[] keys;
    private readonly Tensor[] values;
    private bool disposed;

    public KvCache(TransformerConfig config, int batchSize, Device device, ScalarType dtype = ScalarType.Float32)
    {
        config.EnsureValid();
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "a KV cache needs a batch size of at least 1");
        Config = config;
        BatchSize = batchSize;
        Capacity = config.ContextLength;
        storage = new LayerKeyValues(config, batchSize, device, dtype);
        keys = storage.Keys;
        values = storage.Values;
    }

    public TransformerConfig Config { get; }

    public int BatchSize { get; }

    /// <summary>Most positions the cache holds: the model's context length.</summary>
    public int Capacity { get; }

    /// <summary>Positions filled so far; the next step's tokens sit at positions Length, Length + 1, ...</summary>
    public int Length { get; private set; }

    /// <summary>Forgets every position (the tensors are kept and overwritten).</summary>
    public void Reset()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        Length = 0;
    }

    /// <summary>Stores a step's keys and values [batch, heads, n, headWidth] after the filled positions; returns all keys and values so far.</summary>
    (Tensor Keys, Tensor Values) IAttentionCache.Write(int layer, Tensor newKeys, Tensor newValues)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        long count = newKeys.size(2);
        keys[layer].narrow(2, Length, count).copy_(newKeys);
        values[layer].narrow(2, Length, count).copy_(newValues);
        return (keys[layer].narrow(2, 0, Length + count), values[layer].narrow(2, 0, Length + count));
    }

    /// <summary>The filled positions of one layer's keys and values (views, not copies), e.g. to move them into a <see cref="SlotKvCache"/>.</summary>
    internal (Tensor Keys, Tensor Values) Filled(int layer) => (keys[layer].narrow(2, 0, Length), values[layer].narrow(2, 0, Length));

    /// <summary>Marks a step's positions as filled, once every layer has written them.</summary>
    internal void Advance(int count) => Length += count;

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        storage.Dispose();
    }
}
