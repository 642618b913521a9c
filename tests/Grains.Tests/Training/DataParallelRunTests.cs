using MusicCluster.Grains.Interfaces.Training;

namespace MusicCluster.Grains.Tests.Training;

/// <summary>A data-parallel run in a one-silo cluster: no other silo to place a worker on, so the run's own trainer takes every shard.</summary>
public sealed class DataParallelRunTests
{
    [Fact]
    public async Task With_no_other_silo_a_two_worker_run_trains_both_shards_itself_and_says_so()
    {
        await using var silo = await TrainingSilo.StartAsync();
        var (run, done, log) = await CompleteAsync(silo, 10, s => s with { Workers = 2, ParallelMode = "local", LocalSteps = 5 });
        Assert.Equal(10, done.Step);
        Assert.Contains("1 worker(s) for 2 shard(s), local mode: worker 0 on the run's silo (shards 0, 1)", log);
        var metrics = await run.GetMetricsAsync(0);
        Assert.All(metrics, m => Assert.Equal(1, m.Workers));
        Assert.Equal(0, metrics.Sum(m => m.BytesTransferred ?? 0)); // nothing left the process
    }

    [Fact]
    public async Task With_on_worker_lost_wait_and_no_other_silo_the_run_waits_the_bounded_time_once_and_says_so()
    {
        await using var silo = await TrainingSilo.StartAsync();
        var (run, _, log) = await CompleteAsync(silo, 6, s => s with { Workers = 2, OnWorkerLost = "wait", WorkerWaitSeconds = 2 });
        Assert.Contains("step 0: waiting up to 2 s for a silo to take 1 more worker(s)", log);
        Assert.Single(log, t => t == "step 0: no silo took a worker within 2 s; 1 worker(s) go on");
        Assert.Equal(6, (await run.GetMetricsAsync(0)).Count);
    }

    /// <summary>Runs a tiny run of <paramref name="mleSteps"/> with the settings changed, to completion; its log's lines.</summary>
    private static async Task<(ITrainingRunGrain Run, TrainingRunSnapshot Done, List<string> Log)> CompleteAsync(
        TestSilo silo, int mleSteps, Func<TrainingSettings, TrainingSettings> change)
    {
        var request = TinyRuns.Request(mleSteps);
        TrainingRunSnapshot started = await silo.Index().StartRunAsync(request with { Settings = change(request.Settings) });
        var run = silo.Run(started.RunId);
        TrainingRunSnapshot done = await run.WaitAsync(s => s.Status is TrainingRunStatus.Completed or TrainingRunStatus.Failed, "run completes");
        Assert.True(done.Status == TrainingRunStatus.Completed, done.Error);
        return (run, done, (await run.GetLogAsync(0)).Select(l => l.Text).ToList());
    }

    [Fact]
    public async Task Wrong_data_parallel_settings_are_named()
    {
        await using var silo = await TrainingSilo.StartAsync();
        var request = TinyRuns.Request(mleSteps: 10, adversarialSteps: 2);
        request = request with { Settings = request.Settings with { Workers = 2, ParallelMode = "sideways", LocalSteps = 0, OnWorkerLost = "sometimes", WorkerWaitSeconds = 0 } };
        var fields = (await silo.Index().ValidateAsync(request)).Select(e => e.Field).ToList();
        Assert.Contains("parallelMode", fields);
        Assert.Contains("workers", fields); // adversarial steps with more than one worker
        Assert.Contains("localSteps", fields);
        Assert.Contains("onWorkerLost", fields);
        Assert.Contains("workerWaitSeconds", fields);
    }
}
