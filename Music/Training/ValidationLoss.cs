using MusicCluster.Music.Models;
using static TorchSharp.torch;

namespace MusicCluster.Music.Training;

/// <summary>
/// Negative log-likelihood per token (nats) of a generator on whole sequences: every token after a sequence's
/// first is predicted once, teacher-forced. A sequence longer than the context is cut into consecutive windows
/// of contextLength + 1 tokens that share one token (the last target of a window is the first input of the
/// next), so no token is predicted twice or skipped; each window starts without the earlier context.
/// </summary>
public static class ValidationLoss
{
    public static double NllPerToken(TransformerGenerator model, IReadOnlyList<int[]> sequences, int batchSize = 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int context = model.Config.ContextLength;
        var windows = new List<int[]>();
        foreach (var sequence in sequences)
            for (int start = 0; start + 1 < sequence.Length; start += context)
                windows.Add(sequence[start..Math.Min(sequence.Length, start + context + 1)]);
        if (windows.Count == 0) throw new ArgumentException("no sequence has two or more tokens to evaluate", nameof(sequences));

        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGradient = no_grad();
            double total = 0;
            long count = 0;
            // Similar lengths together: less padding per batch.
            var ordered = windows.OrderBy(w => w.Length).ToList();
            for (int first = 0; first < ordered.Count; first += batchSize)
            {
                using var scope = NewDisposeScope();
                var batch = ordered.Skip(first).Take(batchSize).ToList();
                int time = batch.Max(w => w.Length) - 1;
                var inputs = new long[batch.Count * time];
                var targets = new long[batch.Count * time];
                Array.Fill(targets, -100); // cross_entropy's ignore index: padding is not scored
                for (int row = 0; row < batch.Count; row++)
                    for (int t = 0; t + 1 < batch[row].Length; t++)
                    {
                        inputs[row * time + t] = batch[row][t];
                        targets[row * time + t] = batch[row][t + 1];
                    }
                var logits = model.forward(tensor(inputs, [batch.Count, time], dtype: int64, device: model.Device));
                var loss = nn.functional.cross_entropy(logits.reshape(-1, model.Config.VocabSize),
                    tensor(targets, dtype: int64, device: model.Device), ignore_index: -100, reduction: nn.Reduction.Sum);
                total += loss.item<float>();
                count += batch.Sum(w => w.Length - 1);
            }
            return total / count;
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
