using System.Text.Json;
using MusicCluster.Grains.Interfaces.Models;
using MusicCluster.Grains.Interfaces.Training;
using MusicCluster.Grains.Training;
using MusicCluster.Music.Storage;
using MusicCluster.Music.Storage.Checkpoints;

namespace MusicCluster.Grains.Tests.Training;

/// <summary>A training run in a real silo: metrics, log.jsonl and checkpoints; pause, resume, stop; learning-rate changes; validation.</summary>
public sealed class TrainingRunLifecycleTests
{
    [Fact]
    public async Task A_run_trains_every_step_writes_log_jsonl_and_checkpoints_every_n_steps()
    {
        await using var silo = await TrainingSilo.StartAsync();
        TrainingRunSnapshot started = await silo.Index().StartRunAsync(TinyRuns.Request(mleSteps: 12, adversarialSteps: 3, checkpointEvery: 5));
        Assert.Equal(TrainingRunStatus.Running, started.Status);
        Assert.Equal(15, started.TotalSteps);
        Assert.NotNull(started.Silo);

        var run = silo.Run(started.RunId);
        TrainingRunSnapshot done = await run.WaitAsync(s => s.Status is TrainingRunStatus.Completed or TrainingRunStatus.Failed, "run completes");
        Assert.True(done.Status == TrainingRunStatus.Completed, done.Error);
        Assert.Equal(15, done.Step);

        var metrics = await run.GetMetricsAsync(0);
        Assert.Equal(Enumerable.Range(1, 15).Select(i => (long)i), metrics.Select(m => m.Step));
        Assert.All(metrics.Take(12), m => Assert.Equal("Mle", m.Phase));
        Assert.All(metrics.Skip(12), m => { Assert.Equal("Adversarial", m.Phase); Assert.NotNull(m.Wasserstein); Assert.NotNull(m.CriticLoss); });
        Assert.All(metrics, m => Assert.True(double.IsFinite(m.MleLoss) && m.MleLoss > 0));
        Assert.Equal([5L, 10L, 15L], metrics.Where(m => m.ValidNll is not null).Select(m => m.Step));
        Assert.Equal(2, (await run.GetMetricsAsync(14)).Count);

        // Checkpoints every 5 steps and at the end, in blob storage and in the snapshot.
        Assert.Equal([5L, 10L, 15L], done.Checkpoints.Select(c => c.Step));
        var stored = await new CheckpointStore(silo.Blobs()).ListAsync(started.RunId);
        Assert.Equal(["step-000000005", "step-000000010", "step-000000015"], stored.Select(r => r.CheckpointId));
        Assert.All(done.Checkpoints, c => Assert.Equal(done.Epoch, c.Epoch));

        // log.jsonl holds every step's metrics and the log lines, one JSON object per line.
        string jsonl = await silo.Blobs().ReadAllTextAsync(RunJournal.BlobOf(started.RunId));
        var lines = jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(15, lines.Count(l => l.GetProperty("type").GetString() == "metrics"));
        var logTexts = lines.Where(l => l.GetProperty("type").GetString() == "log").Select(l => l.GetProperty("text").GetString()!).ToList();
        Assert.Contains(logTexts, t => t.Contains("checkpoint models/" + started.RunId + "/step-000000010.ckpt", StringComparison.Ordinal));
        Assert.Contains(logTexts, t => t.StartsWith("completed at step 15", StringComparison.Ordinal));
        var log = await run.GetLogAsync(0);
        Assert.Equal(logTexts, log.Select(l => l.Text));
        Assert.Equal(Enumerable.Range(0, log.Count).Select(i => (long)i), log.Select(l => l.Number));
        Assert.Equal(log.Skip(2).Select(l => l.Text), (await run.GetLogAsync(2)).Select(l => l.Text));

        // Each checkpoint is calibrated on the valid split and registered with the model registry, so it can be promoted.
        foreach (var id in stored.Select(r => r.CheckpointId))
            Assert.NotNull(await silo.Blobs().GetInfoAsync($"models/{started.RunId}/{id}.calibration.json"));
        var catalog = await silo.Grains.GetGrain<IModelRegistryGrain>(0).GetCatalogAsync();
        var model = Assert.Single(catalog.Models, m => m.ModelId == started.RunId);
        Assert.Equal([5L, 10L, 15L], model.Checkpoints.Select(c => c.Step));
        Assert.All(model.Checkpoints, c => { Assert.True(c.Calibrated); Assert.Equal(started.RunId, c.RunId); Assert.True(c.Metrics.ContainsKey("validNll")); });
        var promoted = await silo.Grains.GetGrain<IModelRegistryGrain>(0).PromoteAsync(model.Checkpoints[^1].Ref);
        Assert.Equal(new ModelRef(started.RunId, "step-000000015"), promoted.Default);

        var listed = Assert.Single(await silo.Index().ListAsync());
        Assert.Equal(started.RunId, listed.RunId);
        await Poll.UntilAsync(() => silo.Index().ListAsync(), l => l[0].Status == TrainingRunStatus.Completed, TinyRuns.Deadline, "index hears completion");
    }

    [Fact]
    public async Task Pause_checkpoints_resume_continues_from_there_and_stop_ends_the_run()
    {
        await using var silo = await TrainingSilo.StartAsync();
        TrainingRunSnapshot started = await silo.Index().StartRunAsync(TinyRuns.Request(mleSteps: TinyRuns.OutlastsTheTest, checkpointEvery: 1000));
        var run = silo.Run(started.RunId);
        await run.WaitAsync(s => s.Step >= 3, "a few steps trained");

        TrainingRunSnapshot paused = await run.PauseAsync();
        Assert.Equal(TrainingRunStatus.Paused, paused.Status);
        long pausedAt = paused.Step;
        Assert.True(pausedAt >= 3);
        Assert.Equal(pausedAt, paused.Checkpoints[^1].Step); // pausing writes a checkpoint of the step reached
        Assert.Equal(pausedAt, (await run.GetMetricsAsync(0)).Count);
        Assert.Equal(pausedAt, (await run.GetAsync())!.Step);
        await Assert.ThrowsAsync<InvalidOperationException>(() => run.PauseAsync());

        TrainingRunSnapshot resumed = await run.ResumeAsync();
        Assert.Equal(TrainingRunStatus.Running, resumed.Status);
        await run.WaitAsync(s => s.Step >= pausedAt + 3, "training continues after resume");
        var log = await run.GetLogAsync(0);
        Assert.Contains(log, l => l.Text.StartsWith($"resuming from checkpoint {paused.Checkpoints[^1].CheckpointId} (step {pausedAt})", StringComparison.Ordinal));
        var metrics = await run.GetMetricsAsync(0);
        Assert.Equal(Enumerable.Range(1, metrics.Count).Select(i => (long)i), metrics.Select(m => m.Step)); // no gap, no repeat

        TrainingRunSnapshot stopped = await run.StopAsync();
        Assert.Equal(TrainingRunStatus.Stopped, stopped.Status);
        Assert.Equal(stopped.Step, stopped.Checkpoints[^1].Step);
        Assert.True(stopped.Step > pausedAt);
        await Assert.ThrowsAsync<InvalidOperationException>(() => run.ResumeAsync());
        Assert.Equal(TrainingRunStatus.Stopped, (await run.StopAsync()).Status);
    }

    [Fact]
    public async Task A_learning_rate_change_takes_effect_in_the_next_steps()
    {
        await using var silo = await TrainingSilo.StartAsync();
        TrainingRunSnapshot started = await silo.Index().StartRunAsync(TinyRuns.Request(mleSteps: TinyRuns.OutlastsTheTest, checkpointEvery: 1000));
        var run = silo.Run(started.RunId);
        await run.WaitAsync(s => s.Step >= 2, "a few steps trained");
        Assert.All(await run.GetMetricsAsync(0), m => Assert.True(m.LearningRate <= 1e-3));

        TrainingRunSnapshot changed = await run.SetLearningRateAsync(0.25);
        Assert.Equal(0.25, changed.LearningRate);
        // The step in progress keeps its rate; from the next one the MLE schedule keeps its warm-up and cosine shape
        // with the new peak: rates above the old peak of 1e-3, which the old schedule never exceeds.
        long from = changed.Step + 2;
        var after = await Poll.UntilAsync(() => run.GetMetricsAsync(from), m => m.Count >= 2, TinyRuns.Deadline, "steps after the change");
        Assert.All(after, m => Assert.True(m.LearningRate > 1e-3, $"step {m.Step} ran at {m.LearningRate}"));
        Assert.Contains(await run.GetLogAsync(0), l => l.Text.StartsWith("learning rate set to 0.25", StringComparison.Ordinal));

        await Assert.ThrowsAsync<ArgumentException>(() => run.SetLearningRateAsync(-1));
        await Assert.ThrowsAsync<ArgumentException>(() => run.SetLearningRateAsync(double.NaN));
        await run.StopAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => run.SetLearningRateAsync(0.1));
    }

    [Fact]
    public async Task Bad_requests_are_refused_with_every_wrong_field_named()
    {
        await using var silo = await TrainingSilo.StartAsync();
        var bad = TinyRuns.Request(mleSteps: 10) with
        {
            Settings = TinyRuns.Request(10).Settings with { Layers = 0, Heads = 3, BatchSize = -1, LearningRate = -0.5 },
        };
        var errors = await silo.Index().ValidateAsync(bad);
        Assert.Contains(errors, e => e.Field == "model.layers");
        Assert.Contains(errors, e => e.Field == "model.modelWidth" && e.Message.Contains("heads (3)"));
        Assert.Contains(errors, e => e.Field == "batchSize");
        Assert.Contains(errors, e => e.Field == "learningRate");
        var thrown = await Assert.ThrowsAsync<ArgumentException>(() => silo.Index().StartRunAsync(bad));
        Assert.Contains("model.layers", thrown.Message);
        Assert.Empty(await silo.Index().ListAsync());

        var unknown = await silo.Index().ValidateAsync(TinyRuns.Request(10) with { Dataset = "no-such-dataset" });
        Assert.Equal("dataset", Assert.Single(unknown).Field);
        var badName = await silo.Index().ValidateAsync(TinyRuns.Request(10) with { Dataset = "../etc" });
        Assert.Equal("dataset", Assert.Single(badName).Field);
        var badJson = await silo.Index().ValidateAsync(TinyRuns.Request(10) with { ConfigJson = "{\"model\": 3}" });
        Assert.StartsWith("configJson.", Assert.Single(badJson).Field);

        Assert.Empty(await silo.Index().ValidateAsync(TinyRuns.Request(10)));
        var datasets = await silo.Index().GetDatasetsAsync();
        Assert.Equal(TrainingDatasets.SyntheticDemoId, datasets[0].Id);
        Assert.Null(await silo.Run("run-never-started").GetAsync());
        await Assert.ThrowsAsync<KeyNotFoundException>(() => silo.Run("run-never-started").PauseAsync());
    }

    [Fact]
    public async Task Runs_beyond_the_silos_limit_are_queued_and_start_when_a_slot_frees()
    {
        await using var silo = await TrainingSilo.StartAsync(maxRunsPerSilo: 1);
        TrainingRunSnapshot first = await silo.Index().StartRunAsync(TinyRuns.Request(mleSteps: TinyRuns.OutlastsTheTest, checkpointEvery: 1000, name: "first"));
        TrainingRunSnapshot second = await silo.Index().StartRunAsync(TinyRuns.Request(mleSteps: TinyRuns.OutlastsTheTest, checkpointEvery: 1000, name: "second"));
        TrainingRunSnapshot third = await silo.Index().StartRunAsync(TinyRuns.Request(mleSteps: TinyRuns.OutlastsTheTest, checkpointEvery: 1000, name: "third"));
        Assert.Equal(TrainingRunStatus.Running, first.Status);
        Assert.Equal(TrainingRunStatus.Queued, second.Status);
        Assert.Equal(1, second.QueuePosition);
        Assert.Null(second.Silo);
        Assert.Equal(2, third.QueuePosition);
        Assert.Equal(2, (await silo.Run(third.RunId).GetAsync())!.QueuePosition);
        Assert.Equal(0, (await silo.Run(second.RunId).GetAsync())!.Step);
        var listed = await silo.Index().ListAsync();
        Assert.Equal(1, listed.Single(r => r.RunId == second.RunId).QueuePosition);

        // A paused run keeps its slot; a stopped one frees it for the first in the queue.
        await silo.Run(first.RunId).WaitAsync(s => s.Step >= 1, "first trains");
        await silo.Run(first.RunId).PauseAsync();
        Assert.Equal(TrainingRunStatus.Queued, (await silo.Run(second.RunId).GetAsync())!.Status);
        await silo.Run(first.RunId).StopAsync();
        await silo.Run(second.RunId).WaitAsync(s => s.Status == TrainingRunStatus.Running && s.Step >= 1, "second leaves the queue and trains");
        await silo.Run(third.RunId).WaitAsync(s => s.QueuePosition == 1, "third moves up");
        Assert.Equal(TrainingRunStatus.Queued, (await silo.Run(third.RunId).GetAsync())!.Status);

        // Stopping a queued run takes it out of the queue.
        Assert.Equal(TrainingRunStatus.Stopped, (await silo.Run(third.RunId).StopAsync()).Status);
        await silo.Run(second.RunId).StopAsync();
        await Poll.UntilAsync(() => silo.Index().ListAsync(), l => l.All(r => r.Status == TrainingRunStatus.Stopped), TinyRuns.Deadline, "all stopped");
    }
}
