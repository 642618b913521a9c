using System.Diagnostics.Metrics;

namespace MusicCluster.Grains.Inference;

/// <summary>
/// The inference workers' OpenTelemetry instruments (meter <see cref="MeterName"/>; the hosts export it with the rest
/// of the project's meters). Recorded by <see cref="BatchRecorder"/> where the worker already counts, tagged with the
/// model (<c>musiccluster.model</c>, "modelId/checkpointId").
/// </summary>
internal static class InferenceMetrics
{
    public const string MeterName = "MusicCluster.Inference";
    public const string ModelTag = "musiccluster.model";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Its rate is the silo's generation speed in tokens per second.</summary>
    public static readonly Counter<long> Tokens = Meter.CreateCounter<long>(
        "musiccluster.generation.tokens", "{token}", "Tokens sampled by the inference workers (batched steps and primer passes)");

    public static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>(
        "musiccluster.inference.batch.size", "{sequence}", "Sequences one batched generation step carried",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });

    public static readonly Histogram<int> ScoringBatchSize = Meter.CreateHistogram<int>(
        "musiccluster.scoring.batch.size", "{piece}", "Pieces one critic batch scored",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64] });

    /// <summary>Sequences holding a slot of a worker's batch.</summary>
    public static readonly UpDownCounter<int> ActiveSequences = Meter.CreateUpDownCounter<int>(
        "musiccluster.inference.sequences.active", "{sequence}", "Sequences a worker is generating now");

    /// <summary>The queue in front of a worker: sequences waiting for a free slot (MusicCluster:Inference:MaxBatch).</summary>
    public static readonly UpDownCounter<int> WaitingSequences = Meter.CreateUpDownCounter<int>(
        "musiccluster.inference.sequences.waiting", "{sequence}", "Sequences waiting for a slot of a worker's batch");
}
