using System.Diagnostics;

namespace MusicCluster.Grains.Inference;

/// <summary>
/// What one model's worker actually ran: how many sequences each batched generation step carried (a histogram),
/// primer passes (one sequence each), and critic batches. Tests assert batching on these; the cluster page shows them.
/// </summary>
public sealed record InferenceStatistics(
    string Model,
    long Steps,
    int MaxBatch,
    double MeanBatch,
    IReadOnlyDictionary<int, long> BatchSizes,
    long PrimerPasses,
    long ScoringBatches,
    long ScoredPieces,
    int ActiveSequences);

/// <summary>Counts kept by the worker thread, read by anyone; also recorded as <see cref="InferenceMetrics"/>.</summary>
internal sealed class BatchRecorder(string model)
{
    private readonly object gate = new();
    private readonly SortedDictionary<int, long> sizes = [];
    private readonly TagList tags = new() { { InferenceMetrics.ModelTag, model } };
    private long steps, rows, primerPasses, scoringBatches, scoredPieces;
    private int active, waiting;

    public void Step(int batch)
    {
        lock (gate)
        {
            sizes[batch] = sizes.GetValueOrDefault(batch) + 1;
            steps++;
            rows += batch;
        }
        InferenceMetrics.Tokens.Add(batch, tags);
        InferenceMetrics.BatchSize.Record(batch, tags);
    }

    public void PrimerPass()
    {
        lock (gate) primerPasses++;
        InferenceMetrics.Tokens.Add(1, tags);
    }

    public void ScoringBatch(int pieces)
    {
        lock (gate)
        {
            scoringBatches++;
            scoredPieces += pieces;
        }
        InferenceMetrics.ScoringBatchSize.Record(pieces, tags);
    }

    public void Active(int count)
    {
        int change;
        lock (gate) (change, active) = (count - active, count);
        if (change != 0) InferenceMetrics.ActiveSequences.Add(change, tags);
    }

    /// <summary>Sequences queued for a slot (the worker's waiting queue).</summary>
    public void Waiting(int count)
    {
        int change;
        lock (gate) (change, waiting) = (count - waiting, count);
        if (change != 0) InferenceMetrics.WaitingSequences.Add(change, tags);
    }

    public InferenceStatistics Snapshot()
    {
        lock (gate)
            return new InferenceStatistics(model, steps, sizes.Count == 0 ? 0 : sizes.Keys.Max(), steps == 0 ? 0 : (double)rows / steps,
                new Dictionary<int, long>(sizes), primerPasses, scoringBatches, scoredPieces, active);
    }
}
