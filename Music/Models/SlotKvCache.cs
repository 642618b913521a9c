using static TorchSharp.torch;

namespace MusicCluster.Music.Models;

/// <summary>
/// A KV cache of fixed slots, each holding one sequence at its own length, so sequences that started at different
/// times (generation sessions) advance together in one batched step (<see cref="TransformerGenerator.StepSlots"/>).
/// Per layer, keys and values are [slots, heads, contextLength, headWidth], allocated once. A slot is filled by a
/// primer pass written straight into it (<see cref="TransformerGenerator.PrefillSlots"/>, several slots at once) or by
/// <see cref="Load"/> from a one-sequence <see cref="KvCache"/>, and grows by one position per step.
/// Nothing is copied when a sequence joins or leaves: a step writes one position per row in place and attends over a
/// view of slots 0..span-1 (span = the highest slot stepped + 1), each row masked to its own slot's length; the few
/// positions of unused slots in that span cost a little attention, never a copy. Keep the slots in use low
/// (take the lowest free one) so the span stays close to the number of rows.
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

    /// <summary>Empties a slot (its tensors are overwritten by the next primer pass).</summary>
    public void Clear(int slot) => lengths[slot] = 0;

    /// <summary>
    /// The attention view of one step. Row i writes its new key at (slots[i], positions[i]); attention runs over slots
    /// 0..span-1 (queries scattered to their slots' rows unless the rows are exactly those slots in order), each slot
    /// seeing its positions 0..its row's position (the mask the caller builds).
    /// </summary>
    internal IAttentionCache StepView(Tensor slotIndex, Tensor positions, int span, int visible, bool slotsAreRows) =>
        new Step(this, slotIndex, positions, span, visible, slotsAreRows);

    /// <summary>The attention view of a primer pass: rows [rows, heads, time, headWidth] start at position 0 of slots[i]; they attend to themselves only.</summary>
    internal IAttentionCache PrefillView(Tensor slotIndex) => new Prefill(this, slotIndex);

    internal void Advance(IReadOnlyList<int> slots)
    {
        foreach (int slot in slots) lengths[slot]++;
    }

    internal void Filled(IReadOnlyList<int> slots, int length)
    {
        foreach (int slot in slots) lengths[slot] = length;
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        storage.Dispose();
    }

    private sealed class Step(SlotKvCache cache, Tensor slotIndex, Tensor positions, int span, int visible, bool slotsAreRows) : IAttentionCache
    {
        public (Tensor Keys, Tensor Values) Write(int layer, Tensor newKeys, Tensor newValues)
        {
            ObjectDisposedException.ThrowIf(cache.disposed, cache);
            // newKeys [rows, heads, 1, headWidth] -> stored at [slot, :, position, :] of each row: one position per row.
            var at = new[] { TensorIndex.Tensor(slotIndex), TensorIndex.Colon, TensorIndex.Tensor(positions) };
            cache.keys[layer].index_put_(newKeys.squeeze(2), at);
            cache.values[layer].index_put_(newValues.squeeze(2), at);
            // Views of the stored slots, not copies: the whole point of the slot layout.
            return (cache.keys[layer].narrow(0, 0, span).narrow(2, 0, visible), cache.values[layer].narrow(0, 0, span).narrow(2, 0, visible));
        }

        public Tensor QueriesFor(Tensor query)
        {
            if (slotsAreRows) return query;
            // [rows, heads, 1, headWidth] -> [span, heads, 1, headWidth], row i at slot i's place (a few kilobytes).
            var spread = zeros([span, query.size(1), query.size(2), query.size(3)], dtype: query.dtype, device: query.device);
            return spread.index_copy_(0, slotIndex, query);
        }

        public Tensor RowsOf(Tensor attended) => slotsAreRows ? attended : attended.index_select(0, slotIndex);
    }

    private sealed class Prefill(SlotKvCache cache, Tensor slotIndex) : IAttentionCache
    {
        public (Tensor Keys, Tensor Values) Write(int layer, Tensor newKeys, Tensor newValues)
        {
            ObjectDisposedException.ThrowIf(cache.disposed, cache);
            long time = newKeys.size(2);
            cache.keys[layer].narrow(2, 0, time).index_copy_(0, slotIndex, newKeys);
            cache.values[layer].narrow(2, 0, time).index_copy_(0, slotIndex, newValues);
            // A primer pass starts at position 0: its rows attend to their own new keys, which are these.
            return (newKeys, newValues);
        }
    }
}
