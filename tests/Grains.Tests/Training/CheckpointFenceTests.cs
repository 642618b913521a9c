using System.Text.Json.Nodes;
using MusicCluster.Grains.Interfaces.Training;
using MusicCluster.Grains.Training;
using MusicCluster.Music.Storage;
using MusicCluster.Music.Storage.Checkpoints;

namespace MusicCluster.Grains.Tests.Training;

/// <summary>A trainer of a superseded epoch (its silo was thought dead) can never overwrite what the newer epoch wrote.</summary>
public sealed class CheckpointFenceTests
{
    private readonly LocalFolderBlobStore blobs = new(RepositoryPaths.NewTempFolder("fence"));

    private static CheckpointArchive Archive(string marker) =>
        new(new JsonObject { ["marker"] = marker }, new Dictionary<string, byte[]> { ["weights"] = System.Text.Encoding.UTF8.GetBytes(marker) });

    [Fact]
    public async Task A_stale_epoch_cannot_write_a_checkpoint_and_the_newer_one_stays()
    {
        var old = new CheckpointFence(blobs, "run-x", epoch: 1);
        await old.ClaimAsync();
        var oldStore = new CheckpointStore(blobs, async (_, _, token) => await old.CheckAsync(token));
        await oldStore.SaveAsync("run-x", "step-000000005", Archive("epoch 1 step 5"));

        // The run is re-activated elsewhere: a new epoch claims it and writes the same checkpoint name.
        var current = new CheckpointFence(blobs, "run-x", epoch: 2);
        await current.ClaimAsync();
        var currentStore = new CheckpointStore(blobs, async (_, _, token) => await current.CheckAsync(token));
        await currentStore.SaveAsync("run-x", "step-000000010", Archive("epoch 2 step 10"));

        var refused = await Assert.ThrowsAsync<StaleEpochException>(() => oldStore.SaveAsync("run-x", "step-000000010", Archive("epoch 1 step 10")));
        Assert.Equal(1, refused.Epoch);
        Assert.Equal(2, refused.CurrentEpoch);
        var kept = await currentStore.LoadAsync("run-x", "step-000000010");
        Assert.Equal("epoch 2 step 10", kept.Metadata["marker"]!.GetValue<string>());

        // A lower epoch cannot claim the run back, and the log is fenced the same way.
        await Assert.ThrowsAsync<StaleEpochException>(() => old.ClaimAsync());
        var journal = new RunJournal();
        journal.AddLog("from the stale trainer", DateTimeOffset.UtcNow);
        await Assert.ThrowsAsync<StaleEpochException>(() => journal.FlushAsync(blobs, "run-x", old));
        Assert.Null(await blobs.GetInfoAsync(RunJournal.BlobOf("run-x")));
        await journal.FlushAsync(blobs, "run-x", current);
        Assert.Contains("from the stale trainer", await blobs.ReadAllTextAsync(RunJournal.BlobOf("run-x")));
    }

    [Fact]
    public async Task Every_activation_of_a_run_takes_a_new_epoch()
    {
        await using var silo = await TrainingSilo.StartAsync();
        var started = await silo.Index().StartRunAsync(TinyRuns.Request(mleSteps: 4, checkpointEvery: 2));
        var run = silo.Run(started.RunId);
        var done = await run.WaitAsync(s => s.Status == TrainingRunStatus.Completed, "run completes");
        Assert.Equal(1, done.Epoch);
        Assert.Equal("1", await silo.Blobs().ReadAllTextAsync(CheckpointFence.BlobOf(started.RunId)));

        // Force the activation out; the next call activates it again with epoch 2, and claims the fence.
        await silo.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var again = await Poll.UntilAsync(async () => (await run.GetAsync())!, s => s.Epoch == 2, TinyRuns.Deadline, "new activation");
        Assert.Equal("2", await silo.Blobs().ReadAllTextAsync(CheckpointFence.BlobOf(started.RunId)));
        Assert.Equal(done.Checkpoints.Select(c => c.CheckpointId), again.Checkpoints.Select(c => c.CheckpointId));
        Assert.Equal(done.Step, again.Step);
        Assert.Equal((await run.GetLogAsync(0)).Count, (int)again.LogLineCount);
        Assert.Equal(4, (await run.GetMetricsAsync(0)).Count); // read back from log.jsonl
    }
}
