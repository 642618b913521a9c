using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MusicCluster.Grains.Interfaces.Training;
using MusicCluster.Music.Storage;

namespace MusicCluster.Grains.Training;

/// <summary>
/// A run's metrics and log lines: filled from the training thread, read by the grain (thread-safe), and kept in
/// <c>runs/{id}/log.jsonl</c>, one JSON object per line: {"type":"metrics",...} or {"type":"log","number":..,"text":..}.
/// The blob store has no append, so a flush rewrites the blob; it is flushed twice a second, at the end, and by the
/// trainer before every checkpoint, so a run resumed from a checkpoint finds the metrics of every step up to it.
/// </summary>
public sealed class RunJournal
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly object gate = new();
    private readonly SemaphoreSlim flushing = new(1, 1);
    private readonly List<TrainingMetricsPoint> metrics = [];
    private readonly List<TrainingLogLine> log = [];
    private readonly StringBuilder lines = new();
    private int publishedMetrics, publishedLog;
    private bool dirty;

    public static string BlobOf(string runId) => BlobName.Validate($"runs/{runId}/log.jsonl");

    public void AddMetrics(TrainingMetricsPoint point)
    {
        lock (gate)
        {
            // A run resumed from a checkpoint repeats the steps after it: the newer figures replace the older.
            int keep = metrics.FindIndex(m => m.Step >= point.Step);
            if (keep >= 0) metrics.RemoveRange(keep, metrics.Count - keep);
            publishedMetrics = Math.Min(publishedMetrics, metrics.Count);
            metrics.Add(point);
            lines.Append(JsonSerializer.Serialize(new MetricsLine("metrics", point), Json)).Append('\n');
            dirty = true;
        }
    }

    public TrainingLogLine AddLog(string text, DateTimeOffset at)
    {
        lock (gate)
        {
            var line = new TrainingLogLine(log.Count, at, text);
            log.Add(line);
            lines.Append(JsonSerializer.Serialize(new LogEntry("log", line.Number, at, text), Json)).Append('\n');
            dirty = true;
            return line;
        }
    }

    public int MetricsCount { get { lock (gate) return metrics.Count; } }

    public long LogCount { get { lock (gate) return log.Count; } }

    public TrainingMetricsPoint? LatestMetrics { get { lock (gate) return metrics.Count > 0 ? metrics[^1] : null; } }

    public double? LatestValidNll
    {
        get { lock (gate) return metrics.LastOrDefault(m => m.ValidNll is not null)?.ValidNll; }
    }

    public IReadOnlyList<TrainingMetricsPoint> MetricsFrom(long fromStep, int max)
    {
        lock (gate) return metrics.Where(m => m.Step >= fromStep).Take(Math.Max(0, max)).ToList();
    }

    public IReadOnlyList<TrainingLogLine> LogFrom(long fromLine, int max)
    {
        lock (gate) return log.Skip((int)Math.Clamp(fromLine, 0, log.Count)).Take(Math.Max(0, max)).ToList();
    }

    /// <summary>What was added since the last call (for observers).</summary>
    public (IReadOnlyList<TrainingMetricsPoint> Metrics, IReadOnlyList<TrainingLogLine> Log) TakeUnpublished()
    {
        lock (gate)
        {
            var newMetrics = metrics.Skip(publishedMetrics).ToList();
            var newLog = log.Skip(publishedLog).ToList();
            publishedMetrics = metrics.Count;
            publishedLog = log.Count;
            return (newMetrics, newLog);
        }
    }

    /// <summary>
    /// Writes log.jsonl when something changed; <paramref name="fence"/> refuses the write for a stale epoch. Flushes
    /// are serialised (the grain's pump and the trainer's flush before a checkpoint): once one returns, everything
    /// added before it was called is in the blob, and an older text never replaces a newer one.
    /// </summary>
    public async Task FlushAsync(IBlobStore store, string runId, CheckpointFence fence, CancellationToken cancellationToken = default)
    {
        await flushing.WaitAsync(cancellationToken);
        try
        {
            string text;
            lock (gate)
            {
                if (!dirty) return;
                text = lines.ToString();
                dirty = false;
            }
            try
            {
                await fence.CheckAsync(cancellationToken);
                await store.WriteTextAsync(BlobOf(runId), text, cancellationToken);
            }
            catch
            {
                lock (gate) dirty = true;
                throw;
            }
        }
        finally
        {
            flushing.Release();
        }
    }

    /// <summary>Reads a run's log.jsonl back (after a failover), keeping metrics of steps before <paramref name="beforeStep"/> only.</summary>
    public static async Task<RunJournal> LoadAsync(IBlobStore store, string runId, long beforeStep, CancellationToken cancellationToken = default)
    {
        var journal = new RunJournal();
        string name = BlobOf(runId);
        if (await store.GetInfoAsync(name, cancellationToken) is null) return journal;
        string text = await store.ReadAllTextAsync(name, cancellationToken);
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            JsonElement element;
            try { element = JsonSerializer.Deserialize<JsonElement>(line, Json); }
            catch (JsonException) { continue; } // a torn last line of a crashed writer: the rest is still good
            string? type = element.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type == "metrics" && element.TryGetProperty("metrics", out var m) && m.Deserialize<TrainingMetricsPoint>(Json) is { } point && point.Step < beforeStep)
                journal.AddMetrics(point);
            else if (type == "log" && element.TryGetProperty("text", out var lineText) && element.TryGetProperty("at", out var at))
                journal.AddLog(lineText.GetString() ?? "", at.GetDateTimeOffset());
        }
        lock (journal.gate) journal.dirty = false;
        journal.TakeUnpublished();
        return journal;
    }

    private sealed record MetricsLine(string Type, TrainingMetricsPoint Metrics);

    private sealed record LogEntry(string Type, long Number, DateTimeOffset At, string Text);
}
