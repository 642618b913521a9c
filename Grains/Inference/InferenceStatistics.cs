using System.Diagnostics;

namespace MusicCluster.Grains.Inference;

/// <summary>
/// What one model's worker actually ran: how many sequences each batched generation step carried (a histogram),
/// sequences primed (PrimerPasses) and the batched passes that primed them (PrimerBatches), critic batches, rows of
/// background work stepped, how often a background sequence gave its row back to live work (Preemptions), and the
/// critic batches that scored the bars sequences completed at one step (LiveScoringBatches, for LiveScoredSequences).
/// Tests assert batching on these; the cluster page shows them.
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
    int ActiveSequences,
    long PrimerBatches = 0,
    long BackgroundRows = 0,
    long Preemptions = 0,
    long LiveScoringBatches = 0,
    long LiveScoredSequences = 0);

/// <summary>Counts kept by the worker thread, read by anyone; also recorded as <see cref="InferenceMetrics"/>.</summary>
internal sealed class BatchRecorder(string model)
{
    private readonly object gate = new();
    private readonly SortedDictionary<int, long> sizes = [];
    private readonly TagList tags = new() { { InferenceMetrics.ModelTag, model } };
    private long steps, rows, primerPasses, primerBatches, scoringBatches, scoredPieces, backgroundRows, preemptions, liveScoringBatches, liveScored;
    private int active, waiting;

    public void Step(int batch, int background = 0)
    {
        lock (gate)
        {
            sizes[batch] = sizes.GetValueOrDefault(batch) + 1;
            steps++;
            rows += batch;
            backgroundRows += background;
        }
        InferenceMetrics.Tokens.Add(batch, tags);
        InferenceMetrics.BatchSize.Record(batch, tags);
    }

    /// <summary>A batched primer pass: one token for each of its sequences.</summary>
    public void PrimerPass(int sequences)
    {
        lock (gate)
        {
            primerPasses += sequences;
            primerBatches++;
        }
        InferenceMetrics.Tokens.Add(sequences, tags);
    }

    public void Preempted() { lock (gate) preemptions++; }

    public void LiveScoringBatch(int sequences)
    {
        lock (gate)
        {
            liveScoringBatches++;
            liveScored += sequences;
        }
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

    /// <summary>Sequences queued for a slot (the worker's waiting queues, live and background).</summary>
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
                new Dictionary<int, long>(sizes), primerPasses, scoringBatches, scoredPieces, active, primerBatches, backgroundRows, preemptions, liveScoringBatches, liveScored);
    }
}
