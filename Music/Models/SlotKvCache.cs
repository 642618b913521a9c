using static TorchSharp.torch;

namespace MusicCluster.Music.Models;

/// <summary>
/// A KV cache of fixed slots, each holding one sequence at its own length, so sequences that started at different
/// times (generation sessions) advance together in one batched step (<see cref="TransformerGenerator.StepSlots"/>).
/// Per layer, keys and values are [slots, heads, contextLength, headWidth], allocated once. A slot is filled by
/// <see cref="Load"/> from a one-sequence <see cref="KvCache"/> (its primer pass) and grows by one position per step.
/// Owns its tensors: dispose it when the engine stops.
/// </summary>
public sealed class SlotKvCache : IDisposable
{
    private readonly LayerKeyValues storage;
    private readonly Tensor[] keys;
    private readonly Tensor[] values;
    private readonly int[] lengths;
    private bool disposed;

    public SlotKvCache(TransformerConfig config, int slots, Device device, ScalarType dtype = ScalarType.Float32)
    {
        config.EnsureValid();
        if (slots < 1) throw new ArgumentOutOfRangeException(nameof(slots), slots, "a slot cache needs at least one slot");
        Config = config;
        Slots = slots;
        Capacity = config.ContextLength;
        lengths = new int[slots];
        storage = new LayerKeyValues(config, slots, device, dtype);
        keys = storage.Keys;
        values = storage.Values;
    }

    public TransformerConfig Config { get; }

    public int Slots { get; }

    /// <summary>Most positions a slot holds: the model's context length.</summary>
    public int Capacity { get; }

    /// <summary>Positions filled in a slot; its next token goes to position Length(slot).</summary>
    public int Length(int slot) => lengths[slot];

    /// <summary>Replaces a slot's contents with the filled positions of a one-sequence cache.</summary>
    public void Load(int slot, KvCache source)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentNullException.ThrowIfNull(source);
        if (source.BatchSize != 1) throw new ArgumentException($"a slot takes one sequence, the cache holds {source.BatchSize}", nameof(source));
        if (source.Config != Config) throw new ArgumentException("the cache was made for a different model config", nameof(source));
        using var scope = NewDisposeScope();
        for (int layer = 0; layer < keys.Length; layer++)
        {
            var (k, v) = source.Filled(layer);
            keys[layer].narrow(0, slot, 1).narrow(2, 0, source.Length).copy_(k);
            values[layer].narrow(0, slot, 1).narrow(2, 0, source.Length).copy_(v);
        }
        lengths[slot] = source.Length;
    }

    /// <summary>Empties a slot (its tensors are overwritten by the next <see cref="Load"/>).</summary>
    public void Clear(int slot) => lengths[slot] = 0;

    /// <summary>The attention view of one step: row i writes its new key at (slots[i], positions[i]) and sees that slot's positions 0..positions[i].</summary>
    internal IAttentionCache StepView(Tensor slotIndex, Tensor positions, int visible) => new Step(this, slotIndex, positions, visible);

    internal void Advance(IReadOnlyList<int> slots)
    {
        foreach (int slot in slots) lengths[slot]++;
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        storage.Dispose();
    }

    private sealed class Step(SlotKvCache cache, Tensor slotIndex, Tensor positions, int visible) : IAttentionCache
    {
        public (Tensor Keys, Tensor Values) Write(int layer, Tensor newKeys, Tensor newValues)
        {
            ObjectDisposedException.ThrowIf(cache.disposed, cache);
            // newKeys [rows, heads, 1, headWidth] -> stored at [slot, :, position, :] of each row.
            var at = new[] { TensorIndex.Tensor(slotIndex), TensorIndex.Colon, TensorIndex.Tensor(positions) };
            cache.keys[layer].index_put_(newKeys.squeeze(2), at);
            cache.values[layer].index_put_(newValues.squeeze(2), at);
            var k = cache.keys[layer].index_select(0, slotIndex).narrow(2, 0, visible);
            var v = cache.values[layer].index_select(0, slotIndex).narrow(2, 0, visible);
            return (k, v);
        }
    }
}
