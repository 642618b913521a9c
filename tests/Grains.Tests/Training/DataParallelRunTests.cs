using System.Net;
using Microsoft.Extensions.DependencyInjection;
using MusicCluster.Grains.Interfaces.Training;
using MusicCluster.Grains.Training;

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

    /// <summary>
    /// A worker asked of a silo that is not there (as a silo just killed is, while the membership still lists it) is
    /// placed elsewhere by Orleans, here on the run's own silo: it is refused before anything is loaded, so a run never
    /// has two workers on a silo, nor one on its own. (The assignment is one no worker could load: reaching the loading
    /// would fail differently.)
    /// </summary>
    [Fact]
    public async Task A_worker_placed_elsewhere_than_on_the_silo_asked_for_is_refused_before_it_loads_anything()
    {
        await using var silo = await TrainingSilo.StartAsync();
        var placement = silo.Services.GetRequiredService<DataParallelPlacement>();
        var gone = SiloAddress.New(IPAddress.Loopback, 1, 1);
        var unloadable = new TrainingShardAssignment("run-placement", 1, "not a config", "no-such-dataset", null, null, 0, 1e-3);

        var refused = Assert.Throws<WorkerPlacementException>(() => placement.Start("run-placement", 1, gone, unloadable));
        string here = silo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString();
        Assert.Equal($"worker 1 was placed on silo {here}, not on silo {gone}, which Orleans does not count as a place for it now (leaving or just joined)", refused.Message);
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
