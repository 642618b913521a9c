using MusicCluster.Music.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MusicCluster.Music.Models;

/// <summary>
/// Decoder-only Transformer language model over token ids: pre-LN blocks with rotary positions and causal
/// attention; the output head is tied to the token embedding or separate (config.TiedOutput).
/// <see cref="forward"/> maps tokens [batch, time] (int64) to next-token logits [batch, time, vocab] (float32);
/// <see cref="Step"/> does the same for new tokens only, reading and extending a <see cref="KvCache"/>.
/// A model with a <see cref="MelodyEncoder"/> (a harmony model) also takes a melody context [batch, time, width]:
/// what the encoder read from the whole melody (<see cref="EncodeMelody"/>) at the step each input token's successor
/// belongs to, added to the token embeddings (<see cref="MelodyConditioning"/> says which step that is).
/// </summary>
public sealed class TransformerGenerator : nn.Module<Tensor, Tensor>
{
    // A plain parameter rather than nn.Embedding, whose weight getter makes a new native handle on every read.
    private readonly Parameter tokenEmbedding;
    private readonly Dropout embeddingDropout;
    private readonly ModuleList<TransformerBlock> blocks;
    private readonly LayerNorm finalNorm;
    private readonly Linear? outputHead;
    private readonly MelodyEncoder? melodyEncoder;
    private readonly Lock rotaryGate = new();
    private (Tensor Cos, Tensor Sin)? rotary;

    public TransformerGenerator(TransformerConfig config, Device? device = null) : base(nameof(TransformerGenerator))
    {
        Config = config.EnsureValid();
        tokenEmbedding = new Parameter(empty(config.VocabSize, config.ModelWidth, dtype: float32));
        embeddingDropout = nn.Dropout(config.Dropout);
        blocks = nn.ModuleList(Enumerable.Range(0, config.Layers).Select(layer => new TransformerBlock(config, layer)).ToArray());
        finalNorm = nn.LayerNorm(config.ModelWidth, dtype: float32);
        if (!config.TiedOutput) outputHead = nn.Linear(config.ModelWidth, config.VocabSize, hasBias: false, dtype: float32);
        if (config.HasMelodyEncoder) melodyEncoder = new MelodyEncoder(config);
        using (no_grad())
        {
            // Small embeddings: with a tied head, N(0, 1) embeddings would start with huge, confident logits.
            nn.init.normal_(tokenEmbedding, 0.0, 0.02);
        }
        RegisterComponents();
        // No device named: the one ComputeDevices chooses (CUDA when libtorch sees a GPU); new modules start on the CPU.
        if ((device ?? ComputeDevices.Default) is { type: not DeviceType.CPU } target) this.to(target);
    }

    public TransformerConfig Config { get; }

    /// <summary>Where the weights live.</summary>
    public Device Device => tokenEmbedding.device;

    /// <summary>Next-token logits for every position of tokens [batch, time] (time at most the context length).</summary>
    public override Tensor forward(Tensor tokens) => forward(tokens, null);

    /// <summary>As <see cref="forward(Tensor)"/>, with the melody context of each position (null: none; a harmony model without its melody).</summary>
    public Tensor forward(Tensor tokens, Tensor? melodyContext)
    {
        CheckTokens(tokens, Config.ContextLength, nameof(tokens));
        CheckMelodyContext(melodyContext, tokens.size(0), tokens.size(1));
        return Run(tokens, cache: null, melodyContext);
    }

    /// <summary>Whether this model reads a whole melody (<see cref="TransformerConfig.MelodyEncoderLayers"/>).</summary>
    public bool HasMelodyEncoder => melodyEncoder is not null;

    /// <summary>
    /// What the melody encoder reads at every step of melodies given as grid cell tokens [batch, steps] (int64):
    /// [batch, steps, width]. Melodies of different lengths are encoded one at a time (see <see cref="MelodyConditioning.Context"/>).
    /// </summary>
    public Tensor EncodeMelody(Tensor melody)
    {
        if (melodyEncoder is null) throw new InvalidOperationException("this model has no melody encoder (melodyEncoderLayers)");
        CheckTokens(melody, TransformerConfig.MaxMelodySteps, nameof(melody));
        using var scope = NewDisposeScope();
        var embedded = tokenEmbedding.index_select(0, melody.reshape(-1)).view(melody.size(0), melody.size(1), Config.ModelWidth);
        return scope.MoveToOuter(melodyEncoder.forward(embedded));
    }

    /// <summary>A KV cache for this model on its device, for <paramref name="batchSize"/> sequences.</summary>
    public KvCache NewCache(int batchSize) => new(Config, batchSize, Device, tokenEmbedding.dtype);

    /// <summary>
    /// Logits [batch, n, vocab] for n new tokens [batch, n] that follow the cache's positions, which it then
    /// extends. Inference only (no gradient). Equal, up to float rounding, to the last n rows of
    /// <see cref="forward"/> over the whole sequence.
    /// </summary>
    public Tensor Step(Tensor newTokens, KvCache cache, Tensor? melodyContext = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        if (!ReferenceEquals(cache.Config, Config) && cache.Config != Config)
            throw new ArgumentException("the KV cache was made for a different model config", nameof(cache));
        CheckTokens(newTokens, cache.Capacity - cache.Length, nameof(newTokens));
        if (newTokens.size(0) != cache.BatchSize)
            throw new ArgumentException($"batch of {newTokens.size(0)} sequences but the KV cache holds {cache.BatchSize}", nameof(newTokens));
        CheckMelodyContext(melodyContext, newTokens.size(0), newTokens.size(1));
        using var noGradient = no_grad();
        var logits = Run(newTokens, cache, melodyContext);
        cache.Advance((int)newTokens.size(1));
        return logits;
    }

    /// <summary>
    /// Rotary tables [contextLength, headWidth] for every position, computed once per device and dtype and kept
    /// (a forward pass or step narrows or gathers them; computing them costs more than a small model's step).
    /// </summary>
    private (Tensor Cos, Tensor Sin) Rotary()
    {
        lock (rotaryGate)
        {
            var dtype = tokenEmbedding.dtype;
            var deviceType = tokenEmbedding.device_type;
            int deviceIndex = tokenEmbedding.device_index;
            if (rotary is { } kept && kept.Cos.dtype == dtype && kept.Cos.device_type == deviceType && kept.Cos.device_index == deviceIndex)
                return kept;
            rotary?.Cos.Dispose();
            rotary?.Sin.Dispose();
            var (cos, sin) = RotaryPositions.Tables(0, Config.ContextLength, Config.HeadWidth, Config.RotaryBase, Device, dtype);
            rotary = (cos.DetachFromDisposeScope(), sin.DetachFromDisposeScope());
            return rotary.Value;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            lock (rotaryGate)
            {
                rotary?.Cos.Dispose();
                rotary?.Sin.Dispose();
                rotary = null;
            }
        base.Dispose(disposing);
    }

    private Tensor Run(Tensor tokens, KvCache? cache, Tensor? melodyContext)
    {
        using var scope = NewDisposeScope();
        long time = tokens.size(1);
        long past = cache?.Length ?? 0;
        var (cosTable, sinTable) = Rotary();
        var cos = cosTable.narrow(0, past, time);
        var sin = sinTable.narrow(0, past, time);
        // Causal attention: with no past, the standard lower-triangular mask (the kernel's own flag). With a past
        // and one new token, that token sees everything cached, so no mask. With a past and several new tokens,
        // new token i (absolute position past + i) sees keys 0..past + i: a lower-triangular mask shifted by past.
        Tensor? mask = null;
        bool causal = past == 0 && time > 1;
        if (past > 0 && time > 1)
            mask = ones(time, past + time, dtype: @bool, device: Device).tril(past);
        var context = new AttentionContext(cos, sin, mask, causal, cache);
        return scope.MoveToOuter(Layers(tokens, context, melodyContext));
    }

    /// <summary>Embedding, blocks, final norm and output head: logits [batch, time, vocab].</summary>
    private Tensor Layers(Tensor tokens, AttentionContext context, Tensor? melodyContext)
    {
        using var threads = Runtime.TorchThreads.ForPass(tokens.size(0) * tokens.size(1));
        using var scope = NewDisposeScope();
        var embedded = tokenEmbedding.index_select(0, tokens.reshape(-1)).view(tokens.size(0), tokens.size(1), Config.ModelWidth);
        if (melodyContext is not null) embedded = embedded.Plus(melodyContext);
        var hidden = embeddingDropout.forward(embedded);
        foreach (var block in blocks) hidden = block.forward(hidden, context);
        hidden = finalNorm.forward(hidden);
        var logits = outputHead is null ? hidden.matmul(tokenEmbedding.t()) : outputHead.forward(hidden);
        return scope.MoveToOuter(logits);
    }

    /// <summary>
    /// Copies every weight of <paramref name="source"/> into the parameter of the same name here: a generator that
    /// gains a melody encoder starts from a trained one without it. Every parameter of the source must exist here
    /// with its shape; parameters only this model has keep their values.
    /// </summary>
    public void CopyWeightsFrom(TransformerGenerator source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var own = named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var noGradient = no_grad();
        foreach (var (name, parameter) in source.named_parameters())
        {
            if (!own.TryGetValue(name, out var target) || !target.shape.SequenceEqual(parameter.shape))
                throw new ArgumentException($"parameter {name} [{string.Join(", ", parameter.shape)}] has no counterpart of that shape in this model", nameof(source));
            target.copy_(parameter);
        }
    }

    /// <summary>A slot cache for this model on its device.</summary>
    public SlotKvCache NewSlotCache(int slots) => new(Config, slots, Device, tokenEmbedding.dtype);

    /// <summary>
    /// One new token for each of several sequences held in a <see cref="SlotKvCache"/>, each at its own position:
    /// next-token logits [rows, vocab] (float32, CPU), row i for tokens[i] in slots[i]. Inference only. Row i equals,
    /// up to float rounding, what <see cref="Step"/> gives for that sequence alone with a one-sequence cache.
    /// Every slot must have been filled (its primer) and have room for one more position. Nothing of the cache is
    /// copied: each row writes its one new position in place and attends over a view of the slots (see <see cref="SlotKvCache"/>).
    /// </summary>
    /// <param name="melodyContext">Each row's melody context [rows, width] (null: none).</param>
    public float[] StepSlots(IReadOnlyList<int> tokens, IReadOnlyList<int> slots, SlotKvCache cache, Tensor? melodyContext = null)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentNullException.ThrowIfNull(cache);
        if (cache.Config != Config) throw new ArgumentException("the slot cache was made for a different model config", nameof(cache));
        int rows = tokens.Count;
        if (rows == 0 || rows != slots.Count) throw new ArgumentException($"{rows} tokens for {slots.Count} slots: give one token per slot (at least one)", nameof(slots));
        if (slots.Distinct().Count() != rows) throw new ArgumentException("a slot appears twice in one step", nameof(slots));
        var positions = new long[rows];
        int span = 0;
        bool slotsAreRows = true;
        for (int i = 0; i < rows; i++)
        {
            if (tokens[i] < 0 || tokens[i] >= Config.VocabSize)
                throw new ArgumentException($"token {i} is {tokens[i]}, outside the vocabulary [0, {Config.VocabSize})", nameof(tokens));
            if (slots[i] < 0 || slots[i] >= cache.Slots) throw new ArgumentException($"slot {slots[i]} is not in [0, {cache.Slots})", nameof(slots));
            int length = cache.Length(slots[i]);
            if (length < 1 || length >= cache.Capacity)
                throw new ArgumentException($"slot {slots[i]} holds {length} positions: a step needs 1 to {cache.Capacity - 1} (load its primer first; rebuild it when full)",
                    nameof(slots));
            positions[i] = length;
            span = Math.Max(span, slots[i] + 1);
            slotsAreRows &= slots[i] == i;
        }
        int visible = (int)positions.Max() + 1;
        // What each slot of the span may see: its row's positions 0..p; a slot no row steps sees position 0 (its output is dropped).
        var slotPosition = new long[span];
        for (int i = 0; i < rows; i++) slotPosition[slots[i]] = positions[i];

        using var noGradient = no_grad();
        using var scope = NewDisposeScope();
        var positionIndex = tensor(positions, dtype: int64, device: Device);
        var slotIndex = tensor(slots.Select(s => (long)s).ToArray(), dtype: int64, device: Device);
        var (cosTable, sinTable) = Rotary();
        var cos = cosTable.index_select(0, positionIndex).view(rows, 1, 1, Config.HeadWidth);
        var sin = sinTable.index_select(0, positionIndex).view(rows, 1, 1, Config.HeadWidth);
        // Rows that are exactly slots 0..n-1, all at one position (one session; sessions that started together), see
        // every visible position: no mask (its construction and the masked attention cost a one-row step several percent).
        Tensor? mask = null;
        if (!slotsAreRows || positions.Any(p => p != positions[0]))
        {
            var spanPositions = slotsAreRows ? positionIndex : tensor(slotPosition, dtype: int64, device: Device);
            mask = TorchScalars.Range(0, visible, int64, Device).unsqueeze(0).le(spanPositions.unsqueeze(1)).view(span, 1, 1, visible);
        }
        var context = new AttentionContext(cos, sin, mask, false, cache.StepView(slotIndex, positionIndex, span, visible, slotsAreRows));
        var input = tensor(tokens.Select(t => (long)t).ToArray(), [rows, 1], dtype: int64, device: Device);
        CheckMelodyContext(melodyContext, rows, 1, perRow: true);
        var logits = Layers(input, context, melodyContext?.unsqueeze(1)).select(1, 0).to(float32).cpu().contiguous();
        float[] result = logits.data<float>().ToArray();
        cache.Advance(slots);
        return result;
    }

    /// <summary>
    /// Primer passes of several sequences of one length at once, written straight into their slots (positions
    /// 0..length-1, replacing what the slots held): the next-token logits after each [rows, vocab] (float32, CPU).
    /// Inference only. Row i equals, up to float rounding, the last row of <see cref="Step"/> over windows[i] with an
    /// empty one-sequence cache.
    /// </summary>
    /// <param name="melodyContext">Each row's melody context [rows, length, width] (null: none).</param>
    public float[] PrefillSlots(IReadOnlyList<IReadOnlyList<int>> windows, IReadOnlyList<int> slots, SlotKvCache cache, Tensor? melodyContext = null)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentNullException.ThrowIfNull(cache);
        if (cache.Config != Config) throw new ArgumentException("the slot cache was made for a different model config", nameof(cache));
        int rows = windows.Count;
        if (rows == 0 || rows != slots.Count) throw new ArgumentException($"{rows} windows for {slots.Count} slots: give one window per slot (at least one)", nameof(slots));
        if (slots.Distinct().Count() != rows) throw new ArgumentException("a slot appears twice in one primer pass", nameof(slots));
        int time = windows[0].Count;
        if (time < 1 || time > cache.Capacity) throw new ArgumentException($"a primer window holds 1 to {cache.Capacity} tokens, got {time}", nameof(windows));
        var ids = new long[rows * time];
        for (int i = 0; i < rows; i++)
        {
            if (windows[i].Count != time) throw new ArgumentException($"window {i} has {windows[i].Count} tokens but window 0 " +
                $"has {time}: one primer pass takes windows of one length", nameof(windows));
            if (slots[i] < 0 || slots[i] >= cache.Slots) throw new ArgumentException($"slot {slots[i]} is not in [0, {cache.Slots})", nameof(slots));
            for (int t = 0; t < time; t++)
            {
                int token = windows[i][t];
                if (token < 0 || token >= Config.VocabSize)
                    throw new ArgumentException($"window {i}, token {t} is {token}, outside the vocabulary [0, {Config.VocabSize})", nameof(windows));
                ids[i * time + t] = token;
            }
        }
        CheckMelodyContext(melodyContext, rows, time);

        using var noGradient = no_grad();
        using var scope = NewDisposeScope();
        var (cosTable, sinTable) = Rotary();
        var slotIndex = tensor(slots.Select(s => (long)s).ToArray(), dtype: int64, device: Device);
        var context = new AttentionContext(cosTable.narrow(0, 0, time), sinTable.narrow(0, 0, time), null, time > 1, cache.PrefillView(slotIndex));
        var input = tensor(ids, [rows, time], dtype: int64, device: Device);
        var logits = Layers(input, context, melodyContext).select(1, -1).to(float32).cpu().contiguous();
        float[] result = logits.data<float>().ToArray();
        cache.Filled(slots, time);
        return result;
    }

    private void CheckMelodyContext(Tensor? melodyContext, long batch, long time, bool perRow = false)
    {
        if (melodyContext is null) return;
        if (melodyEncoder is null) throw new ArgumentException("a melody context was given to a model without a melody encoder", nameof(melodyContext));
        long[] expected = perRow ? [batch, Config.ModelWidth] : [batch, time, Config.ModelWidth];
        bool broadcast = !perRow && melodyContext.dim() == 3 && melodyContext.size(0) == 1;
        long[] shape = melodyContext.shape;
        if (shape.Length != expected.Length || !shape.Skip(broadcast ? 1 : 0).SequenceEqual(expected.Skip(broadcast ? 1 : 0)))
            throw new ArgumentException($"the melody context must be [{string.Join(", ", expected)}], got [{string.Join(", ", shape)}]", nameof(melodyContext));
    }

    private void CheckTokens(Tensor tokens, int maxTime, string parameter)
    {
        if (tokens.dim() != 2) throw new ArgumentException($"tokens must be [batch, time], got shape [{string.Join(", ", tokens.shape)}]", parameter);
        if (tokens.dtype != ScalarType.Int64) throw new ArgumentException($"tokens must be int64, got {tokens.dtype}", parameter);
        if (tokens.size(0) < 1 || tokens.size(1) < 1) throw new ArgumentException($"tokens must not be empty, got shape [{string.Join(", ", tokens.shape)}]", parameter);
        if (tokens.size(1) > maxTime)
            throw new ArgumentException($"{tokens.size(1)} positions do not fit: at most {maxTime} (context length {Config.ContextLength})", parameter);
        using var scope = NewDisposeScope();
        long min = tokens.min().item<long>(), max = tokens.max().item<long>();
        if (min < 0 || max >= Config.VocabSize)
            throw new ArgumentException($"token ids must be in [0, {Config.VocabSize}), got values from {min} to {max}", parameter);
    }
}
