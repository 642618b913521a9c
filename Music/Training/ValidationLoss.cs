using MusicCluster.Music.Models;
using MusicCluster.Music.Tokens;
using static TorchSharp.torch;

namespace MusicCluster.Music.Training;

/// <summary>
/// Negative log-likelihood per token (nats) of a generator on whole sequences: every token after a sequence's
/// first is predicted once, teacher-forced. A sequence longer than the context is cut into consecutive windows
/// of contextLength + 1 tokens that share one token (the last target of a window is the first input of the
/// next), so no token is predicted twice or skipped; each window starts without the earlier context.
/// A generator with a melody encoder reads each sequence's own soprano as its melody (grid layout
/// <c>melodyLayout</c>), and its melody cells are not counted: it is given them.
/// </summary>
public static class ValidationLoss
{
    public static double NllPerToken(TransformerGenerator model, IReadOnlyList<int[]> sequences, int batchSize = 16, IGridTokenizer? melodyLayout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (model.HasMelodyEncoder && melodyLayout is null) throw new ArgumentException("a model with a melody encoder needs the grid layout its melodies are read in",
            nameof(melodyLayout));
        int context = model.Config.ContextLength;
        var windows = new List<(int[] Tokens, int Sequence, int Start)>();
        for (int index = 0; index < sequences.Count; index++)
        {
            var sequence = sequences[index];
            for (int start = 0; start + 1 < sequence.Length; start += context)
                windows.Add((sequence[start..Math.Min(sequence.Length, start + context + 1)], index, start));
        }
        if (windows.Count == 0) throw new ArgumentException("no sequence has two or more tokens to evaluate", nameof(sequences));

        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGradient = no_grad();
            double total = 0;
            long count = 0;
            var melodies = model.HasMelodyEncoder ? new Dictionary<int, MelodyConditioning>() : null;
            // Similar lengths together: less padding per batch.
            var ordered = windows.OrderBy(w => w.Tokens.Length).ToList();
            for (int first = 0; first < ordered.Count; first += batchSize)
            {
                using var scope = NewDisposeScope();
                var batch = ordered.Skip(first).Take(batchSize).ToList();
                int time = batch.Max(w => w.Tokens.Length) - 1;
                var inputs = new long[batch.Count * time];
                var targets = new long[batch.Count * time];
                Array.Fill(targets, -100); // cross_entropy's ignore index: padding (and a given melody) is not scored
                for (int row = 0; row < batch.Count; row++)
                    for (int t = 0; t + 1 < batch[row].Tokens.Length; t++)
                    {
                        inputs[row * time + t] = batch[row].Tokens[t];
                        if (melodies is not null && MelodyConditioning.IsMelodyCell(melodyLayout!, batch[row].Start + t + 1)) continue;
                        targets[row * time + t] = batch[row].Tokens[t + 1];
                        count++;
                    }
                Tensor? melody = null;
                if (melodies is not null)
                {
                    var rows = batch.Select(w => melodies.TryGetValue(w.Sequence, out var m) ? m
                        : melodies[w.Sequence] = MelodyConditioning.FromSequence(melodyLayout!, sequences[w.Sequence])).ToList();
                    melody = MelodyConditioning.WindowsContext(model, rows, batch.Select(w => w.Start).ToList(), time);
                }
                var logits = model.forward(tensor(inputs, [batch.Count, time], dtype: int64, device: model.Device), melody);
                var loss = nn.functional.cross_entropy(logits.reshape(-1, model.Config.VocabSize),
                    tensor(targets, dtype: int64, device: model.Device), ignore_index: -100, reduction: nn.Reduction.Sum);
                total += loss.item<float>();
            }
            return total / count;
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
