using MusicCluster.Music.Models;
using MusicCluster.Music.Tokens;
using static TorchSharp.torch;

namespace MusicCluster.Music.Scoring;

/// <summary>Total negative log-likelihood of token sequences under a generator, and how many tokens it covers.</summary>
public readonly record struct NllTotal(double Nats, long Tokens)
{
    /// <summary>Mean NLL per predicted token, in nats (NaN when nothing was predicted).</summary>
    public double PerToken => Tokens == 0 ? double.NaN : Nats / Tokens;
}

/// <summary>
/// Teacher-forced NLL of a generator on whole sequences longer than its context. Every token after the first is
/// predicted exactly once. A sequence that does not start with &lt;bos&gt; (JSB grid data) gets one in front, so
/// its first real token is predicted too, as the Music Transformer paper counts it. Windows of the context length
/// start every <c>stride</c> tokens: the first window counts all its predictions; each later one counts only the
/// predictions no earlier window made (its last <c>stride</c>), which then see up to context - stride tokens of
/// history. stride = context length is the plain non-overlapping split (fast; the first tokens of each window see
/// little history, so the NLL is a little higher than with a smaller stride). A generator with a melody encoder reads
/// each sequence's own soprano as its melody, and the melody's cells are not counted (it is given them).
/// </summary>
public static class EvaluationNll
{
    /// <param name="counts">Which predictions count, by the target's index in the sequence with &lt;bos&gt; first (null: all):
    /// the NLL of some voices given the others, e.g. alto, tenor and bass of a chorale.</param>
    public static NllTotal Compute(TransformerGenerator generator, Vocabulary vocabulary, IEnumerable<IReadOnlyList<int>> sequences,
        int? stride = null, int batchSize = 8, CancellationToken cancellation = default, Func<int, bool>? counts = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(sequences);
        if (generator.Config.VocabSize != vocabulary.Count)
            throw new ArgumentException($"the generator has {generator.Config.VocabSize} token ids but vocabulary {vocabulary.Version} has {vocabulary.Count}", nameof(vocabulary));
        int context = generator.Config.ContextLength;
        int step = stride ?? context;
        if (step < 1 || step > context) throw new ArgumentOutOfRangeException(nameof(stride), stride, $"stride must be in [1, {context}] (the context length)");
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int? begin = vocabulary.TryGetId("<bos>", out int id) ? id : null;
        var melodyLayout = generator.HasMelodyEncoder ? MelodyConditioning.LayoutOf(vocabulary) : null;
        if (melodyLayout is not null)
        {
            var others = counts;
            counts = target => !MelodyConditioning.IsMelodyCell(melodyLayout, target) && (others is null || others(target));
        }

        var pending = new List<NllWindow>();
        double nats = 0;
        long tokens = 0;
        bool wasTraining = generator.training;
        generator.eval();
        try
        {
            using var noGradient = no_grad();
            int index = 0;
            foreach (var sequence in sequences)
            {
                cancellation.ThrowIfCancellationRequested();
                var full = WithBegin(sequence, begin, vocabulary, index++);
                var melody = melodyLayout is null ? null : MelodyConditioning.FromSequence(melodyLayout, full);
                // Window starting at `start` feeds full[start .. start+L) and predicts full[start+1 .. start+L];
                // `counted` = predictions before this one that earlier windows already made.
                int predictedUpTo = 0; // highest target index counted so far
                for (int start = 0; predictedUpTo < full.Length - 1; start += step)
                {
                    int length = Math.Min(context, full.Length - 1 - start);
                    int firstNew = predictedUpTo - start; // offset (0-based in the window's targets) of the first new target
                    pending.Add(new NllWindow(full, start, length, Math.Max(0, firstNew), melody));
                    predictedUpTo = start + length;
                    if (pending.Count == batchSize) Flush(generator, pending, counts, ref nats, ref tokens);
                }
            }
            if (pending.Count > 0) Flush(generator, pending, counts, ref nats, ref tokens);
        }
        finally
        {
            generator.train(wasTraining);
        }
        return new NllTotal(nats, tokens);
    }

    private sealed record NllWindow(int[] Tokens, int Start, int Length, int FirstCounted, MelodyConditioning? Melody);

    private static int[] WithBegin(IReadOnlyList<int> sequence, int? begin, Vocabulary vocabulary, int index)
    {
        for (int i = 0; i < sequence.Count; i++)
            if (!vocabulary.Contains(sequence[i]))
                throw new ArgumentException($"sequence {index}, token {i} is {sequence[i]}, outside vocabulary {vocabulary.Version}", nameof(sequence));
        if (begin is int b && (sequence.Count == 0 || sequence[0] != b)) return [b, .. sequence];
        return sequence.ToArray();
    }

    private static void Flush(TransformerGenerator generator, List<NllWindow> windows, Func<int, bool>? counts, ref double nats, ref long tokens)
    {
        using var scope = NewDisposeScope();
        int longest = windows.Max(w => w.Length);
        var inputs = new long[windows.Count * longest];
        var targets = new long[windows.Count * longest];
        var counted = new float[windows.Count * longest];
        for (int row = 0; row < windows.Count; row++)
        {
            var w = windows[row];
            for (int t = 0; t < w.Length; t++)
            {
                inputs[row * longest + t] = w.Tokens[w.Start + t];
                targets[row * longest + t] = w.Tokens[w.Start + t + 1];
                if (t >= w.FirstCounted && (counts is null || counts(w.Start + t + 1))) counted[row * longest + t] = 1;
            }
        }
        var device = generator.Device;
        // Padding sits after each row's tokens; the generator is causal, so it changes no counted prediction.
        Tensor? melody = null;
        if (windows[0].Melody is not null)
        {
            melody = MelodyConditioning.WindowsContext(generator, windows.Select(w => w.Melody!).ToList(), windows.Select(w => w.Start).ToList(), longest);
        }
        var logits = generator.forward(tensor(inputs, [windows.Count, longest], dtype: int64, device: device), melody);
        var logProbabilities = logits.to(float32).log_softmax(-1);
        var targetTensor = tensor(targets, [windows.Count, longest, 1], dtype: int64, device: device);
        var picked = logProbabilities.gather(-1, targetTensor).squeeze(-1);
        var mask = tensor(counted, [windows.Count, longest], dtype: float32, device: device);
        nats += -(picked * mask).sum().to(float64).cpu().item<double>();
        tokens += (long)counted.Sum();
        windows.Clear();
    }
}
