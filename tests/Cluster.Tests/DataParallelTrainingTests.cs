using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;
using static MusicCluster.Cluster.Tests.TrainingFailoverTests;

namespace MusicCluster.Cluster.Tests;

/// <summary>
/// Data-parallel training runs on three real Silo processes (the primary takes no runs; an accelerator silo and a CPU
/// silo train): a run of two workers trains on both, moving gradients between them as binary chunks; its losses are
/// those of one worker with the summed batch; the cluster page's data lists a run's worker on its silo; SIGKILL of
/// the worker's silo mid-run leaves the run to finish with every step's metrics once and its checkpoints as written.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class DataParallelTrainingTests(ITestOutputHelper output)
{
    // Long enough that the worker silo is killed well before the end: the kill waits for the cluster page to list the
    // worker (the run reports to the index every 5 s); at 400 steps a loaded CI machine once got there after the last step.
    private const int Steps = 1000;

    // Same windows, same mean loss, same optimizer; only the order of float32 sums differs (one backward pass over the
    // whole batch vs two over halves, averaged in double). The Music-level test measures at most 2e-6 over 50 steps;
    // 1e-4 on losses of 1-7 nats leaves room for 400 steps and still fails at once for a wrong shard or step.
    private const double SummationOrderTolerance = 1e-4;

    // A 1,000-step run takes about a minute on an idle 2-core machine; a loaded shared one has taken over four.
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(15);

    private static object Run(string name, int workers, int batchSize, string onWorkerLost = "continue") => new
    {
        dataset = "synthetic-demo",
        name,
        checkpointEvery = 50,
        settings = new
        {
            layers = 1,
            heads = 2,
            modelWidth = 16,
            contextLength = 32,
            dropout = 0.0,
            batchSize,
            mleSteps = Steps,
            validateEvery = 100,
            workers,
            parallelMode = "synchronous",
            onWorkerLost,
            workerWaitSeconds = 600
        },
    };

    [Fact]
    public async Task Two_workers_on_two_silos_equal_one_with_the_summed_batch_and_show_on_the_cluster_page()
    {
        await using var cluster = await ThreeSiloCluster.StartAsync("data-parallel-cluster");
        var web = cluster.Web;

        // Two workers: the run on the accelerator silo, its second worker on the CPU silo (never the primary).
        JsonElement parallel = await StartRunAsync(web, Run("parallel", workers: 2, batchSize: 2));
        string parallelId = parallel.GetProperty("runId").GetString()!;
        Assert.True(cluster.Gpu.Hosts(parallel), $"run on {parallel.GetProperty("silo")}");
        // The cluster page's data shows the worker on its silo while it trains (once the run has reported its workers to the index).
        await ClusterApi.PollSilosAsync(web, all => all.EnumerateArray().Any(silo =>
            silo.GetProperty("address").GetString()!.Contains($":{cluster.Cpu.SiloPort}@", StringComparison.Ordinal)
            && silo.GetProperty("trainingWorkers").EnumerateArray().Any(r => r.GetString() == parallelId)), TimeSpan.FromSeconds(60));
        JsonElement parallelDone = await WaitRunAsync(web, parallelId, Finished, "the two-worker run finishes", RunTimeout);
        Assert.Equal("Completed", parallelDone.GetProperty("status").GetString());
        string placed = LogOf(web, parallelId).Single(t => t.StartsWith("2 worker(s) for 2 shard(s)", StringComparison.Ordinal));
        Assert.Contains($":{cluster.Cpu.SiloPort}@", placed);
        var parallelMetrics = await MetricsAsync(web, parallelId);
        Assert.Equal(Steps, parallelMetrics.Count);
        Assert.All(parallelMetrics, m =>
        {
            Assert.Equal(2, m.GetProperty("workers").GetInt32());
            Assert.True(m.GetProperty("bytesTransferred").GetInt64() > 0);
            Assert.True(m.GetProperty("transferSeconds").GetDouble() > 0);
        });

        // One worker with the summed batch: the same losses, up to float summation order.
        double[] expected = await SingleWorkerLossesAsync(web);
        FloatAssert.Close(expected, parallelMetrics.Select(m => m.GetProperty("mleLoss").GetDouble()).ToArray(), SummationOrderTolerance);
    }

    /// <summary>
    /// SIGKILL of the worker's silo mid-run. Two outcomes are possible, and both must keep every step once and every
    /// checkpoint: the run's own activation loses the worker and goes on (its shard taken over), or, when the killed
    /// silo held the run grain's directory entry, Orleans deactivates the run and a new activation (a new epoch)
    /// resumes from the newest checkpoint with the worker that is left. The test says which one it saw.
    /// </summary>
    [Fact]
    public async Task Sigkill_of_the_worker_silo_mid_run_leaves_every_step_once_and_every_checkpoint_as_written()
    {
        await using var cluster = await ThreeSiloCluster.StartAsync("data-parallel-kill");
        var web = cluster.Web;
        string cpu = $":{cluster.Cpu.SiloPort}@";
        // The reference first, while every silo is up: one worker with the summed batch.
        double[] expected = await SingleWorkerLossesAsync(web);

        JsonElement killed = await StartRunAsync(web, Run("killed", workers: 2, batchSize: 2));
        string killedId = killed.GetProperty("runId").GetString()!;
        Assert.True(cluster.Gpu.Hosts(killed), $"run on {killed.GetProperty("silo")}");
        JsonElement beforeKill = await WaitRunAsync(web, killedId, r => r.GetProperty("step").GetInt64() >= 60 && r.GetProperty("workers").GetArrayLength() == 2
            && r.GetProperty("checkpoints").GetArrayLength() >= 1, "the run trains on two silos and has checkpointed");
        Assert.Contains(beforeKill.GetProperty("workers").EnumerateArray(), w => w.GetProperty("silo").GetString()!.Contains(cpu, StringComparison.Ordinal));
        long killedAt = beforeKill.GetProperty("step").GetInt64();
        Assert.True(killedAt < Steps, "the run ended before its worker's silo could be killed");
        await cluster.Cpu.Host!.KillAsync(TimeSpan.FromSeconds(30));

        JsonElement done = await WaitRunAsync(web, killedId, Finished, "the run finishes without its worker", RunTimeout);
        Assert.Equal("Completed", done.GetProperty("status").GetString());
        Assert.Equal(Steps, done.GetProperty("step").GetInt64());
        long epochBefore = beforeKill.GetProperty("epoch").GetInt64(), epochAfter = done.GetProperty("epoch").GetInt64();
        var log = LogOf(web, killedId);
        long? resumedAt = null;
        if (epochAfter == epochBefore)
        {
            output.WriteLine($"SIGKILL at step {killedAt}: the run's activation went on (epoch {epochAfter})");
        }
        else
        {
            // The run was re-activated: it says why, resumed from a checkpoint at or after the kill's newest one, with one worker.
            string resumed = log.Last(t => t.StartsWith("resuming from checkpoint", StringComparison.Ordinal));
            resumedAt = long.Parse(resumed[(resumed.IndexOf("(step ", StringComparison.Ordinal) + 6)..resumed.IndexOf(')')]);
            output.WriteLine($"SIGKILL at step {killedAt}: the run moved from epoch {epochBefore} to {epochAfter}, resumed at step {resumedAt}");
            foreach (string line in log) output.WriteLine(line);
            Assert.True(resumedAt >= beforeKill.GetProperty("checkpoints").EnumerateArray().Max(c => c.GetProperty("step").GetInt64()));
            Assert.Contains(log.SkipWhile(t => t != resumed), t => t.StartsWith("1 worker(s) for 2 shard(s)", StringComparison.Ordinal));
        }
        // Either way the log says the worker left (the step it left in was checkpointed, so its journal holds the line) or
        // the resumed run was placed with one worker.
        Assert.True(log.Any(t => t.Contains("worker 1 left the run", StringComparison.Ordinal) && t.Contains("shard 1 to worker 0", StringComparison.Ordinal))
            || resumedAt is not null, string.Join("\n", log));

        // Every step's metrics once, in order, the last ones by one worker; the same losses as the uninterrupted runs.
        var killedMetrics = await MetricsAsync(web, killedId);
        Assert.Equal(Enumerable.Range(1, Steps).Select(i => (long)i), killedMetrics.Select(m => m.GetProperty("step").GetInt64()));
        Assert.Equal(1, killedMetrics[^1].GetProperty("workers").GetInt32());
        FloatAssert.Close(expected, killedMetrics.Select(m => m.GetProperty("mleLoss").GetDouble()).ToArray(), SummationOrderTolerance);

        // Every checkpoint from before the kill is still there as it was written (same length, same epoch); no step
        // twice; none newer than the one resumed from was written by an older epoch (a stale writer).
        var checkpoints = done.GetProperty("checkpoints").EnumerateArray().ToList();
        foreach (var old in beforeKill.GetProperty("checkpoints").EnumerateArray())
            Assert.Contains(checkpoints, c => c.GetProperty("checkpointId").GetString() == old.GetProperty("checkpointId").GetString()
                && c.GetProperty("length").GetInt64() == old.GetProperty("length").GetInt64() && c.GetProperty("epoch").GetInt64() == old.GetProperty("epoch").GetInt64());
        Assert.All(checkpoints.Where(c => c.GetProperty("step").GetInt64() > (resumedAt ?? killedAt)),
            c => Assert.Equal(epochAfter, c.GetProperty("epoch").GetInt64()));
        Assert.All(checkpoints, c => Assert.InRange(c.GetProperty("epoch").GetInt64(), 0, epochAfter));
        var steps = checkpoints.Select(c => c.GetProperty("step").GetInt64()).ToList();
        Assert.Equal(steps.Distinct().Order(), steps);
        Assert.Equal(Steps, steps[^1]);
    }

    /// <summary>
    /// onWorkerLost = wait: the worker's silo is killed, the run waits before its next step, a new silo joins the cluster,
    /// and the run places a new worker there (from its state at that step) and goes on with two workers, its losses
    /// still those of one worker with the summed batch.
    /// </summary>
    [Fact]
    public async Task With_on_worker_lost_wait_a_killed_worker_silo_is_replaced_by_a_silo_that_joins()
    {
        await using var cluster = await ThreeSiloCluster.StartAsync("data-parallel-replace");
        var web = cluster.Web;
        double[] expected = await SingleWorkerLossesAsync(web);

        JsonElement waiting = await StartRunAsync(web, Run("waiting", workers: 2, batchSize: 2, onWorkerLost: "wait"));
        string id = waiting.GetProperty("runId").GetString()!;
        Assert.True(cluster.Gpu.Hosts(waiting), $"run on {waiting.GetProperty("silo")}");
        await WaitRunAsync(web, id, r => r.GetProperty("step").GetInt64() >= 60 && r.GetProperty("workers").GetArrayLength() == 2, "the run trains on two silos");
        await cluster.Cpu.Host!.KillAsync(TimeSpan.FromSeconds(30));
        await WaitRunAsync(web, id, _ => Waits(), "the run waits for a silo");

        var joining = await cluster.AddSiloAsync("cpu2");

        bool Waits()
        {
            try { return LogOf(web, id).Any(t => t.Contains("waiting up to 600 s for a silo", StringComparison.Ordinal)); }
            catch (HttpRequestException) { return false; } // the cluster is reorganising after the kill: ask again
        }
        string newSilo = $":{joining.SiloPort}@";
        // The worker list is the run's present: on a loaded machine the run can finish (and list no workers) before a
        // poll sees the new one, so the wait also ends at the run's end; the log and the metrics below are the record.
        JsonElement rejoined = await WaitRunAsync(web, id,
            r => Finished(r) || r.GetProperty("workers").EnumerateArray().Any(w => w.GetProperty("silo").GetString()!.Contains(newSilo, StringComparison.Ordinal)),
            "a worker on the new silo, or the run's end", RunTimeout);
        output.WriteLine($"worker seen on the new silo or the run ended by step {rejoined.GetProperty("step").GetInt64()}");
        JsonElement done = await WaitRunAsync(web, id, Finished, "the run finishes", RunTimeout);
        Assert.Equal("Completed", done.GetProperty("status").GetString());
        var log = LogOf(web, id);
        foreach (string line in log) output.WriteLine(line);
        Assert.Contains(log, t => t.Contains(" joined the run on silo ", StringComparison.Ordinal) && t.Contains(newSilo, StringComparison.Ordinal)
            && t.EndsWith("2 worker(s) go on", StringComparison.Ordinal));

        var metrics = await MetricsAsync(web, id);
        Assert.Equal(Enumerable.Range(1, Steps).Select(i => (long)i), metrics.Select(m => m.GetProperty("step").GetInt64()));
        Assert.Equal(2, metrics[^1].GetProperty("workers").GetInt32());
        FloatAssert.Close(expected, metrics.Select(m => m.GetProperty("mleLoss").GetDouble()).ToArray(), SummationOrderTolerance);
    }

    private static async Task<double[]> SingleWorkerLossesAsync(HttpClient web)
    {
        JsonElement single = await StartRunAsync(web, Run("single", workers: 1, batchSize: 4));
        string singleId = single.GetProperty("runId").GetString()!;
        Assert.Equal("Completed", (await WaitRunAsync(web, singleId, Finished, "the one-worker run finishes", RunTimeout)).GetProperty("status").GetString());
        return (await MetricsAsync(web, singleId)).Select(m => m.GetProperty("mleLoss").GetDouble()).ToArray();
    }

    private static bool Finished(JsonElement run) => run.GetProperty("status").GetString() is "Completed" or "Failed" or "Stopped";

    private static async Task<List<JsonElement>> MetricsAsync(HttpClient web, string id) =>
        (await web.GetFromJsonAsync<JsonElement>($"/api/training-runs/{id}/metrics")).EnumerateArray().ToList();
}
