using MusicCluster.Grains.Interfaces.Training;

namespace MusicCluster.Grains.Tests.Training;

public sealed class SweepTests
{
    [Fact]
    public async Task A_grid_sweep_runs_every_combination_and_reports_a_results_table()
    {
        await using var silo = await TrainingSilo.StartAsync(maxRunsPerSilo: 2);
        var sweep = silo.Grains.GetGrain<ISweepGrain>("sweep-grid");
        SweepSnapshot started = await sweep.StartAsync(new SweepRequest
        {
            Name = "lr x width",
            Base = TinyRuns.Request(mleSteps: 5, checkpointEvery: 5),
            Mode = SweepMode.Grid,
            Parameters = [new SweepParameter("learningRate", [1e-3, 3e-3]), new SweepParameter("modelWidth", [16, 32])],
        });
        Assert.Equal(4, started.Results.Count);
        Assert.Equal(4, started.Results.Select(r => (r.Values["learningRate"], r.Values["modelWidth"])).Distinct().Count());
        // Two slots on the one silo: never more than two train at once (a 5-step run may already have finished and
        // handed its slot on, so how many still queue depends on timing).
        Assert.InRange(started.Results.Count(r => r.Status == TrainingRunStatus.Running), 0, 2);

        SweepSnapshot done = await Poll.UntilAsync(async () => (await sweep.GetAsync())!,
            s => s.Results.All(r => r.Status == TrainingRunStatus.Completed), TimeSpan.FromMinutes(4), "every run of the sweep completes");
        Assert.All(done.Results, r => { Assert.Equal(5, r.Step); Assert.NotNull(r.FinalValidNll); Assert.True(r.FinalValidNll > 0); });
        Assert.Equal(["sweep-grid"], await silo.Grains.GetGrain<ISweepIndexGrain>(0).ListAsync());
        var run = await silo.Run(done.Results[0].RunId).GetAsync();
        Assert.StartsWith("lr x width #1 ", run!.Name);
    }

    [Fact]
    public async Task A_bad_sweep_starts_no_run_and_names_what_is_wrong()
    {
        await using var silo = await TrainingSilo.StartAsync();
        var sweep = silo.Grains.GetGrain<ISweepGrain>("sweep-bad");
        var error = await Assert.ThrowsAsync<ArgumentException>(() => sweep.StartAsync(new SweepRequest
        {
            Base = TinyRuns.Request(mleSteps: 5),
            Mode = SweepMode.Random,
            Count = 2,
            Parameters = [new SweepParameter("heads", [3]), new SweepParameter("colour", [1])],
        }));
        Assert.Contains("parameters[1].colour", error.Message);
        var invalidRun = await Assert.ThrowsAsync<ArgumentException>(() => sweep.StartAsync(new SweepRequest
        {
            Base = TinyRuns.Request(mleSteps: 5),
            Mode = SweepMode.Random,
            Count = 2,
            Parameters = [new SweepParameter("heads", [3])],
        }));
        Assert.Contains("runs[0].model.modelWidth", invalidRun.Message);
        Assert.Empty(await silo.Index().ListAsync());
        Assert.Null(await sweep.GetAsync());
    }
}
