using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using MusicCluster.Music.Training;

namespace MusicCluster.Grains.Training;

/// <summary>
/// Training's OpenTelemetry instruments (meter <see cref="MeterName"/>, exported by the hosts with the project's other
/// meters): how long each optimisation step took and the tokens it trained on, tagged with the phase (Mle, Adversarial),
/// and the training queue (runs waiting for a free training slot) as the scheduler on its silo holds it.
/// </summary>
internal static class TrainingTelemetry
{
    public const string MeterName = "MusicCluster.Training";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<double> StepDuration = Meter.CreateHistogram<double>(
        "musiccluster.training.step.duration", "s", "Wall time of one training step (generator and critic updates)",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });

    /// <summary>Its rate is training throughput in tokens per second.</summary>
    private static readonly Counter<long> Tokens = Meter.CreateCounter<long>(
        "musiccluster.training.tokens", "{token}", "Tokens (batch x context) the generator trained on");

    public const string SiloTag = "musiccluster.silo";

    // The scheduler (TrainingRunIndexGrain) is one activation in the cluster; the silo holding it reports its queue.
    // Keyed by silo address, since tests run several silos in one process.
    private static readonly ConcurrentDictionary<string, Func<int>> Queues = new(StringComparer.Ordinal);

    private static readonly ObservableGauge<int> QueueLength = Meter.CreateObservableGauge(
        "musiccluster.training.queue.length",
        () => Queues.Select(q => new Measurement<int>(q.Value(), new KeyValuePair<string, object?>(SiloTag, q.Key))),
        "{run}", "Training runs waiting for a free training slot (Queued), reported by the silo holding the training scheduler");

    /// <summary>Reports <paramref name="length"/> as the training queue of <paramref name="silo"/> until the result is disposed.</summary>
    public static IDisposable WatchQueue(string silo, Func<int> length)
    {
        Queues[silo] = length;
        return new QueueWatch(silo, length);
    }

    private sealed class QueueWatch(string silo, Func<int> length) : IDisposable
    {
        public void Dispose() => Queues.TryRemove(new KeyValuePair<string, Func<int>>(silo, length));
    }

    /// <summary>Records a completed step; steps that report no throughput (evaluation-only records) are left out.</summary>
    public static void StepCompleted(RunConfig config, TrainingMetrics metrics)
    {
        if (metrics.TokensPerSecond <= 0 || !double.IsFinite(metrics.TokensPerSecond)) return;
        long tokens = (long)config.BatchSize * config.Model.ContextLength;
        var tags = new TagList { { "musiccluster.training.phase", metrics.Phase.ToString() } };
        StepDuration.Record(tokens / metrics.TokensPerSecond, tags);
        Tokens.Add(tokens, tags);
    }
}
