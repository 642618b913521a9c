using Microsoft.Extensions.DependencyInjection;
using MusicCluster.Grains.Training;
using MusicCluster.Music.Storage.Checkpoints;
using MusicCluster.Music.Training;

namespace MusicCluster.Grains.Tests.Training;

/// <summary>
/// A checkpoint is in storage only once the run's journal holds every step up to it. The cluster case this covers: a
/// worker silo dies holding the run grain's directory entry, Orleans deactivates the run, and a new activation fences
/// the old one before the old can flush its journal; the new one resumes from the old one's last checkpoint and must
/// find the metrics and log lines of every step up to it.
/// </summary>
public sealed class RunJournalCheckpointTests
{
    [Fact]
    public async Task An_activation_fenced_before_it_flushed_still_left_every_step_up_to_its_checkpoints_in_the_journal()
    {
        await using var silo = await TrainingSilo.StartAsync(maxRunsPerSilo: 0);
        var datasets = silo.Services.GetRequiredService<TrainingDatasets>();
        var (config, errors) = await TrainingRunGrain.ValidateAsync(datasets, TinyRuns.Request(mleSteps: 12, checkpointEvery: 5));
        Assert.True(config is not null, string.Join("; ", errors));
        string folder = await datasets.LocalFolderAsync("synthetic-demo");
        var blobs = silo.Blobs();
        const string runId = "run-journal-before-checkpoint";

        // The old activation: its grain never flushes the journal (no pump here, as when it is deactivated and fenced
        // before FinishAsync); only the trainer's flush before each checkpoint writes it.
        var old = new CheckpointFence(blobs, runId, epoch: 1);
        await old.ClaimAsync();
        var journal = new RunJournal();
        var worker = new TrainingWorker(new TrainingJob(runId, runId, config, folder, null, 0, null, "synthetic-demo"), blobs, old, journal, TimeProvider.System);
        worker.Start();
        Assert.Equal(WorkerOutcome.Completed, await worker.Completion.WaitAsync(TinyRuns.Deadline));
        journal.AddLog("a line after the last checkpoint, never flushed", DateTimeOffset.UtcNow);

        // A new activation takes the run: the old one's last flush is refused.
        var current = new CheckpointFence(blobs, runId, epoch: 2);
        await current.ClaimAsync();
        await Assert.ThrowsAsync<StaleEpochException>(() => journal.FlushAsync(blobs, runId, old));

        var checkpoints = await new CheckpointStore(blobs).ListAsync(runId);
        long[] steps = checkpoints.Select(r => ModelCheckpoint.ReadInfo(r.Metadata, r.Blob).Step).Order().ToArray();
        Assert.Equal([5, 10, 12], steps);
        foreach (long step in steps)
        {
            // What an activation resuming from this checkpoint reads back: every step up to it, once.
            var resumed = await RunJournal.LoadAsync(blobs, runId, step + 1);
            Assert.Equal(Enumerable.Range(1, (int)step).Select(i => (long)i), resumed.MetricsFrom(0, 1000).Select(m => m.Step));
        }
        var log = (await RunJournal.LoadAsync(blobs, runId, long.MaxValue)).LogFrom(0, 1000).Select(l => l.Text).ToList();
        Assert.Contains(log, t => t.StartsWith("step 10 ", StringComparison.Ordinal) && t.Contains("valid NLL", StringComparison.Ordinal));
        Assert.DoesNotContain(log, t => t.Contains("never flushed", StringComparison.Ordinal));
    }
}
