using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using static TorchSharp.torch;

namespace MusicCluster.Music.Models;

/// <summary>
/// Autoregressive sampling from a <see cref="TransformerGenerator"/>: continues primers token by token with
/// temperature, top-k, top-p, a seed, stop tokens and per-sequence <see cref="ITokenConstraint"/>s, for one
/// sequence or a batch at once, reporting each token as it is chosen.
/// Sequences longer than the context length slide a window: when the window is full, the model continues from
/// the last half of it (the KV cache is rebuilt from those tokens), with or without the cache alike.
/// A model with a melody encoder reads each sequence's <see cref="MelodyConditioning"/> (encoded once) at the absolute
/// positions of the window it sees.
/// </summary>
public static class Sampler
{
    /// <summary>Continues one primer (at least one token, e.g. the tokenizer's start token).</summary>
    public static SampledSequence Sample(TransformerGenerator model, IReadOnlyList<int> primer, SamplingOptions options,
        ITokenConstraint? constraint = null, Action<int>? onToken = null, CancellationToken cancellation = default, MelodyConditioning? melody = null)
    {
        Action<SampledToken>? report = onToken is null ? null : sampled => onToken(sampled.Token);
        return SampleBatch(model, [primer], options, [constraint], report, cancellation, melody is null ? null : [melody])[0];
    }

    /// <summary>
    /// Continues several primers of equal length at once (one forward pass per position for all of them).
    /// Sequence i draws from its own random stream (seed, i), obeys constraints[i] (null: any token) and reads
    /// melodies[i] (null: none).
    /// </summary>
    public static IReadOnlyList<SampledSequence> SampleBatch(TransformerGenerator model, IReadOnlyList<IReadOnlyList<int>> primers,
        SamplingOptions options, IReadOnlyList<ITokenConstraint?>? constraints = null, Action<SampledToken>? onToken = null,
        CancellationToken cancellation = default, IReadOnlyList<MelodyConditioning?>? melodies = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(primers);
        int vocabSize = model.Config.VocabSize;
        options.EnsureValid(vocabSize);
        CheckPrimers(primers, vocabSize);
        if (constraints is not null && constraints.Count != primers.Count)
            throw new ArgumentException($"{constraints.Count} constraints for {primers.Count} primers: give one per primer (null for none)", nameof(constraints));
        if (melodies is not null && melodies.Count != primers.Count)
            throw new ArgumentException($"{melodies.Count} melodies for {primers.Count} primers: give one per primer (null for none)", nameof(melodies));
        if (melodies is not null && melodies.Any(m => m is not null) && !model.HasMelodyEncoder)
            throw new ArgumentException("a melody was given to a model without a melody encoder", nameof(melodies));

        bool wasTraining = model.training;
        model.eval();
        try
        {
            // Gradient mode is per thread in libtorch; the whole loop runs on this thread.
            using var noGradient = no_grad();
            using var run = new SamplingRun(model, primers, options, constraints, melodies);
            return run.Run(onToken, cancellation);
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>
    /// Streams the new tokens of one sequence as they are sampled. The sampling runs on a thread of its own, so
    /// the consumer (a web request, a grain) is never blocked by the model; leaving the loop early stops it.
    /// </summary>
    public static async IAsyncEnumerable<int> StreamAsync(TransformerGenerator model, IReadOnlyList<int> primer, SamplingOptions options,
        ITokenConstraint? constraint = null, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        // Bad arguments fail at the first MoveNextAsync, before a thread is started.
        options.EnsureValid(model.Config.VocabSize);
        CheckPrimers([primer], model.Config.VocabSize);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var channel = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var producer = Task.Factory.StartNew(() =>
        {
            try
            {
                Sample(model, primer, options, constraint, token => channel.Writer.TryWrite(token), stop.Token);
                channel.Writer.TryComplete();
            }
            catch (Exception error)
            {
                channel.Writer.TryComplete(error);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            await foreach (int token in channel.Reader.ReadAllAsync(cancellation))
                yield return token;
        }
        finally
        {
            stop.Cancel();
            await producer.ConfigureAwait(false);
        }
    }

    private static void CheckPrimers(IReadOnlyList<IReadOnlyList<int>> primers, int vocabSize)
    {
        if (primers.Count == 0) throw new ArgumentException("give at least one primer", nameof(primers));
        for (int s = 0; s < primers.Count; s++)
        {
            var primer = primers[s] ?? throw new ArgumentException($"primer {s} is null", nameof(primers));
            if (primer.Count == 0)
                throw new ArgumentException($"primer {s} is empty: it needs at least one token (e.g. the tokenizer's start token)", nameof(primers));
            if (primer.Count != primers[0].Count)
                throw new ArgumentException($"primer {s} has {primer.Count} tokens but primer 0 has {primers[0].Count}: a batch samples primers of one length", nameof(primers));
            for (int i = 0; i < primer.Count; i++)
                if (primer[i] < 0 || primer[i] >= vocabSize)
                    throw new ArgumentException($"primer {s}, token {i} is {primer[i]}, outside the vocabulary [0, {vocabSize})", nameof(primers));
        }
    }

    /// <summary>The state of one batch being sampled.</summary>
    private sealed class SamplingRun : IDisposable
    {
        private readonly TransformerGenerator model;
        private readonly SamplingOptions options;
        private readonly IReadOnlyList<ITokenConstraint?>? constraints;
        private readonly int batch;
        private readonly int vocabSize;
        private readonly SamplingSequence[] sequences;
        // What is fed to the model: a sequence's tokens, then (once it has stopped) copies of its last token, so
        // the batch stays rectangular. Rows do not interact, so the filler changes no other sequence.
        private readonly List<long>[] fed;
        private readonly KvCache? cache;
        private readonly IReadOnlyList<MelodyConditioning?>? melodies;
        private readonly Tensor?[] encodedMelodies;
        private int windowStart;

        public SamplingRun(TransformerGenerator model, IReadOnlyList<IReadOnlyList<int>> primers, SamplingOptions options, IReadOnlyList<ITokenConstraint?>? constraints,
            IReadOnlyList<MelodyConditioning?>? melodies)
        {
            this.model = model;
            this.options = options;
            this.constraints = constraints;
            batch = primers.Count;
            vocabSize = model.Config.VocabSize;
            sequences = primers.Select((p, s) => new SamplingSequence(p, options, vocabSize, constraints?[s], s)).ToArray();
            fed = primers.Select(p => p.Select(t => (long)t).ToList()).ToArray();
            cache = options.UseKvCache ? model.NewCache(batch) : null;
            this.melodies = melodies is not null && melodies.Any(m => m is not null) ? melodies : null;
            encodedMelodies = this.melodies?.Select(m => m?.Encode(model)).ToArray() ?? [];
        }

        public IReadOnlyList<SampledSequence> Run(Action<SampledToken>? onToken, CancellationToken cancellation)
        {
            int contextLength = model.Config.ContextLength;
            int keep = Math.Max(1, contextLength / 2);

            for (int step = 0; step < options.MaxNewTokens && sequences.Any(s => s.Stopped is null); step++)
            {
                cancellation.ThrowIfCancellationRequested();
                int length = fed[0].Count;
                if (length - windowStart > contextLength)
                {
                    windowStart = length - keep;
                    cache?.Reset();
                }
                float[] logits = NextLogits(length);

                for (int s = 0; s < batch; s++)
                {
                    if (sequences[s].Stopped is not null)
                    {
                        fed[s].Add(fed[s][^1]);
                        continue;
                    }
                    int token = sequences[s].Append(logits.AsSpan(s * vocabSize, vocabSize));
                    fed[s].Add(token);
                    onToken?.Invoke(new SampledToken(s, sequences[s].Tokens.Count - 1, token));
                }
            }
            return sequences.Select(s => s.ToResult()).ToArray();
        }

        /// <summary>Next-token logits [batch * vocab] given the window's tokens: all of them, or with the cache only those it lacks.</summary>
        private float[] NextLogits(int length)
        {
            using var scope = NewDisposeScope();
            int from = windowStart + (cache?.Length ?? 0);
            int count = length - from;
            var ids = new long[batch * count];
            for (int s = 0; s < batch; s++)
                CollectionsMarshal.AsSpan(fed[s]).Slice(from, count).CopyTo(ids.AsSpan(s * count, count));
            var input = tensor(ids, [batch, count], dtype: int64, device: model.Device);
            var context = MelodyContext(from, count);
            var logits = cache is null ? model.forward(input, context) : model.Step(input, cache, context);
            var last = logits.select(1, -1).to(float32).cpu().contiguous();
            return last.data<float>().ToArray();
        }

        /// <summary>The melody context [batch, count, width] of positions from..from+count (zeros for a sequence without a melody); null when no sequence has one.</summary>
        private Tensor? MelodyContext(int from, int count)
        {
            if (melodies is null) return null;
            var rows = new Tensor[batch];
            for (int s = 0; s < batch; s++)
                rows[s] = melodies[s] is { } melody
                    ? melody.Window(encodedMelodies[s]!, from, count)
                    : zeros(1, count, model.Config.ModelWidth, dtype: float32, device: model.Device);
            return cat(rows, 0);
        }

        public void Dispose()
        {
            cache?.Dispose();
            foreach (var encoded in encodedMelodies) encoded?.Dispose();
        }
    }
}
