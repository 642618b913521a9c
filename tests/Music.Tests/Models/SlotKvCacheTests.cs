using MusicCluster.Music.Models;
using static TorchSharp.torch;

namespace MusicCluster.Music.Tests.Models;

[Collection(TinyModels.Collection)]
public sealed class SlotKvCacheTests
{
    /// <summary>Logits of the next token after each prefix, for one sequence alone with the ordinary cache.</summary>
    private static float[][] AloneLogits(TransformerGenerator model, long[] tokens, int primer)
    {
        using var cache = model.NewCache(1);
        var rows = new List<float[]>();
        using (var scope = NewDisposeScope())
        {
            var first = model.Step(tensor(tokens[..primer], [1, primer], dtype: int64), cache);
            rows.Add(first.select(1, -1).reshape(-1).data<float>().ToArray());
            for (int at = primer; at < tokens.Length; at++)
                rows.Add(model.Step(tensor(new[] { tokens[at] }, [1, 1], dtype: int64), cache).reshape(-1).data<float>().ToArray());
        }
        return rows.ToArray();
    }

    [Fact]
    public void Sequences_at_different_positions_step_together_and_match_stepping_alone()
    {
        var config = TinyModels.Config(vocab: 12, context: 32);
        using var model = TinyModels.Generator(config);
        // Three sequences with primers of different lengths: their positions differ at every batched step.
        long[][] sequences = [TinyModels.Tokens(12, 12, 1), TinyModels.Tokens(15, 12, 2), TinyModels.Tokens(9, 12, 3)];
        int[] primers = [1, 6, 3];
        int[] slots = [2, 0, 1];
        var alone = sequences.Select((s, i) => AloneLogits(model, s, primers[i])).ToArray();

        using var slotCache = model.NewSlotCache(3);
        using var prefill = model.NewCache(1);
        for (int i = 0; i < 3; i++)
        {
            prefill.Reset();
            using var scope = NewDisposeScope();
            model.Step(tensor(sequences[i][..primers[i]], [1, primers[i]], dtype: int64), prefill);
            slotCache.Load(slots[i], prefill);
            Assert.Equal(primers[i], slotCache.Length(slots[i]));
        }

        int[] fed = (int[])primers.Clone();
        int steps = 0;
        while (true)
        {
            var active = Enumerable.Range(0, 3).Where(i => fed[i] < sequences[i].Length).ToArray();
            if (active.Length == 0) break;
            float[] logits = model.StepSlots(active.Select(i => (int)sequences[i][fed[i]]).ToArray(), active.Select(i => slots[i]).ToArray(), slotCache);
            for (int r = 0; r < active.Length; r++)
            {
                int i = active[r];
                float[] expected = alone[i][fed[i] - primers[i] + 1];
                float[] actual = logits.AsSpan(r * 12, 12).ToArray();
                for (int v = 0; v < 12; v++) Assert.True(Math.Abs(expected[v] - actual[v]) <= 1e-5, $"sequence {i}, token {fed[i]}, logit {v}: {actual[v]} vs {expected[v]} alone");
                fed[i]++;
            }
            steps++;
        }
        Assert.Equal(11, steps); // the longest continuation: 12 tokens after a primer of 1
        Assert.Equal(sequences.Select(s => s.Length), slots.Select(slotCache.Length));
    }

    [Fact]
    public void Batched_primer_passes_written_into_slots_match_priming_alone_and_steps_over_gaps_between_slots_match_too()
    {
        var config = TinyModels.Config(vocab: 12, context: 32);
        using var model = TinyModels.Generator(config);
        // Two sequences primed together in slots 3 and 1 (slots 0 and 2 stay empty: the step attends over a gap).
        long[][] sequences = [TinyModels.Tokens(14, 12, 4), TinyModels.Tokens(14, 12, 5)];
        int primer = 5;
        int[] slots = [3, 1];
        var alone = sequences.Select(s => AloneLogits(model, s, primer)).ToArray();

        using var slotCache = model.NewSlotCache(4);
        float[] primed = model.PrefillSlots(sequences.Select(s => (IReadOnlyList<int>)s[..primer].Select(t => (int)t).ToArray()).ToArray(), slots, slotCache);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(primer, slotCache.Length(slots[i]));
            AssertClose(alone[i][0], primed.AsSpan(i * 12, 12).ToArray(), $"sequence {i} primer");
        }
        Assert.Equal(0, slotCache.Length(0));
        for (int at = primer; at < 14; at++)
        {
            float[] logits = model.StepSlots(sequences.Select(s => (int)s[at]).ToArray(), slots, slotCache);
            for (int i = 0; i < 2; i++) AssertClose(alone[i][at - primer + 1], logits.AsSpan(i * 12, 12).ToArray(), $"sequence {i}, token {at}");
        }
    }

    [Fact]
    public void A_primer_pass_refuses_windows_of_different_lengths_and_tokens_outside_the_vocabulary()
    {
        var config = TinyModels.Config(vocab: 12, context: 8);
        using var model = TinyModels.Generator(config);
        using var slotCache = model.NewSlotCache(2);
        Assert.Contains("one length", Assert.Throws<ArgumentException>(() => model.PrefillSlots([[1, 2], [1, 2, 3]], [0, 1], slotCache)).Message);
        Assert.Contains("outside the vocabulary", Assert.Throws<ArgumentException>(() => model.PrefillSlots([[1, 12]], [0], slotCache)).Message);
        Assert.Contains("1 to 8", Assert.Throws<ArgumentException>(() => model.PrefillSlots([new int[9]], [0], slotCache)).Message);
        Assert.Equal(0, slotCache.Length(0));
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        for (int v = 0; v < expected.Length; v++) Assert.True(Math.Abs(expected[v] - actual[v]) <= 1e-5, $"{what}, logit {v}: {actual[v]} vs {expected[v]} alone");
    }

    [Fact]
    public void A_step_refuses_an_empty_or_full_slot_and_a_repeated_slot()
    {
        var config = TinyModels.Config(vocab: 12, context: 4);
        using var model = TinyModels.Generator(config);
        using var slotCache = model.NewSlotCache(2);
        Assert.Contains("load its primer", Assert.Throws<ArgumentException>(() => model.StepSlots([1], [0], slotCache)).Message);

        using var prefill = model.NewCache(1);
        using (NewDisposeScope()) model.Step(tensor(new long[] { 1, 2, 3 }, [1, 3], dtype: int64), prefill);
        slotCache.Load(0, prefill);
        slotCache.Load(1, prefill);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => model.StepSlots([1, 2], [0, 0], slotCache)).Message);
        model.StepSlots([4, 5], [0, 1], slotCache);
        Assert.Contains("rebuild it when full", Assert.Throws<ArgumentException>(() => model.StepSlots([1], [0], slotCache)).Message);
    }

    [Fact]
    public void Batched_steps_and_primer_passes_leak_no_tensors()
    {
        var config = TinyModels.Config(vocab: 12, context: 32);
        using var model = TinyModels.Generator(config);
        using var slotCache = model.NewSlotCache(4);
        using var prefill = model.NewCache(1);

        void Run()
        {
            for (int slot = 0; slot < 4; slot++)
            {
                prefill.Reset();
                using (NewDisposeScope()) model.Step(tensor(new long[] { 1, 2, 3 }, [1, 3], dtype: int64), prefill);
                slotCache.Load(slot, prefill);
            }
            for (int step = 0; step < 20; step++) model.StepSlots([1, 2, 3, 4], [0, 1, 2, 3], slotCache);
            // Batched primer passes straight into slots, then steps over slots with a gap (scattered queries).
            model.PrefillSlots([[1, 2, 3], [4, 5, 6]], [3, 1], slotCache);
            for (int step = 0; step < 10; step++) model.StepSlots([1, 2], [3, 1], slotCache);
        }

        Run(); // first use allocates what stays (caches are preallocated; nothing else should)
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Run();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.Equal(before, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
