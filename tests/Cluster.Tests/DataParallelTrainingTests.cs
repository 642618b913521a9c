using System.Net.Http.Json;
using System.Text.Json;
using static MusicCluster.Cluster.Tests.TrainingFailoverTests;

namespace MusicCluster.Cluster.Tests;

/// <summary>
/// Data-parallel training runs on three real Silo processes (the primary takes no runs; an accelerator silo and a CPU
/// silo train): a run of two workers trains on both, moving gradients between them as binary chunks; its losses are
/// those of one worker with the summed batch; SIGKILL of the worker's silo mid-run leaves the run to finish on the
/// other with the same losses, and no checkpoint is lost or rewritten.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class DataParallelTrainingTests
{
    // Long enough that the worker silo is killed well before the end: the kill waits for the cluster page to list the
    // worker (the run reports to the index every 5 s); at 400 steps a loaded CI machine once got there after the last step.
    private const int Steps = 1000;

    // Same windows, same mean loss, same optimizer; only the order of float32 sums differs (one backward pass over the
    // whole batch vs two over halves, averaged in double). The Music-level test measures at most 2e-6 over 50 steps;
    // 1e-4 on losses of 1-7 nats leaves room for 400 steps and still fails at once for a wrong shard or step.
    private const double SummationOrderTolerance = 1e-4;

    private static object Run(string name, int workers, int batchSize) => new
    {
        dataset = "synthetic-demo",
        name,
        checkpointEvery = 50,
        settings = new { layers = 1, heads = 2, modelWidth = 16, contextLength = 32, dropout = 0.0, batchSize, mleSteps = Steps, validateEvery = 100, workers, parallelMode = "synchronous" },
    };

    [Fact]
    public async Task Two_workers_on_two_silos_equal_one_with_the_summed_batch_and_survive_sigkill_of_the_worker_silo()
    {
        string data = RepositoryPaths.NewTempFolder("data-parallel-cluster");
        string clusterId = $"test-{Guid.NewGuid():N}";
        var silos = new[]
        {
            new SiloProcess("primary", FreePort.Next(), FreePort.Next(), MaxRuns: 0, Accelerators: 0),
            new SiloProcess("gpu", FreePort.Next(), FreePort.Next(), MaxRuns: 1, Accelerators: 1),
            new SiloProcess("cpu", FreePort.Next(), FreePort.Next(), MaxRuns: 1, Accelerators: 0),
        };
        int http = FreePort.Next();
        ProcessHost? client = null;
        try
        {
            await StartAllAsync(silos, clusterId, data);
            client = await StartClientAsync(silos, clusterId, data, http);
            using HttpClient web = await SignInAsync(http);

            // Two workers: the run on the accelerator silo, its second worker on the CPU silo (never the primary).
            JsonElement parallel = await StartRunAsync(web, Run("parallel", workers: 2, batchSize: 2));
            string parallelId = parallel.GetProperty("runId").GetString()!;
            Assert.True(silos[1].Hosts(parallel), $"run on {parallel.GetProperty("silo")}");
            JsonElement parallelDone = await WaitRunAsync(web, parallelId, Finished, "the two-worker run finishes");
            Assert.Equal("Completed", parallelDone.GetProperty("status").GetString());
            string placed = LogOf(web, parallelId).Single(t => t.StartsWith("2 worker(s) for 2 shard(s)", StringComparison.Ordinal));
            Assert.Contains($":{silos[2].SiloPort}@", placed);
            var parallelMetrics = await MetricsAsync(web, parallelId);
            Assert.Equal(Steps, parallelMetrics.Count);
            Assert.All(parallelMetrics, m =>
            {
                Assert.Equal(2, m.GetProperty("workers").GetInt32());
                Assert.True(m.GetProperty("bytesTransferred").GetInt64() > 0);
                Assert.True(m.GetProperty("transferSeconds").GetDouble() > 0);
            });

            // One worker with the summed batch: the same losses, up to float summation order.
            JsonElement single = await StartRunAsync(web, Run("single", workers: 1, batchSize: 4));
            string singleId = single.GetProperty("runId").GetString()!;
            Assert.Equal("Completed", (await WaitRunAsync(web, singleId, Finished, "the one-worker run finishes")).GetProperty("status").GetString());
            double[] expected = (await MetricsAsync(web, singleId)).Select(m => m.GetProperty("mleLoss").GetDouble()).ToArray();
            FloatAssert.Close(expected, parallelMetrics.Select(m => m.GetProperty("mleLoss").GetDouble()).ToArray(), SummationOrderTolerance);

            // SIGKILL the worker's silo mid-run: the run finishes on its own silo, the worker's shard taken over.
            JsonElement killed = await StartRunAsync(web, Run("killed", workers: 2, batchSize: 2));
            string killedId = killed.GetProperty("runId").GetString()!;
            // The cluster page's data shows the worker on its silo (once the run has reported its workers to the index).
            await ClusterApi.PollSilosAsync(web, all => all.EnumerateArray().Any(silo =>
                silo.GetProperty("address").GetString()!.Contains($":{silos[2].SiloPort}@", StringComparison.Ordinal)
                && silo.GetProperty("trainingWorkers").EnumerateArray().Any(r => r.GetString() == killedId)), TimeSpan.FromSeconds(60));
            JsonElement beforeKill = await WaitRunAsync(web, killedId, r => r.GetProperty("step").GetInt64() >= 60 && r.GetProperty("workers").GetArrayLength() == 2
                && r.GetProperty("checkpoints").GetArrayLength() >= 1, "the run trains on two silos and has checkpointed");
            Assert.Contains(beforeKill.GetProperty("workers").EnumerateArray(), w => w.GetProperty("silo").GetString()!.Contains($":{silos[2].SiloPort}@", StringComparison.Ordinal));
            long killedAt = beforeKill.GetProperty("step").GetInt64();
            Assert.True(killedAt < Steps, "the run ended before its worker's silo could be killed");
            await silos[2].Host!.KillAsync(TimeSpan.FromSeconds(30));
            JsonElement done = await WaitRunAsync(web, killedId, Finished, "the run finishes without its worker");
            Assert.Equal("Completed", done.GetProperty("status").GetString());
            Assert.Equal(Steps, done.GetProperty("step").GetInt64());
            Assert.Equal(beforeKill.GetProperty("epoch").GetInt64(), done.GetProperty("epoch").GetInt64()); // the run itself never moved
            Assert.Contains(LogOf(web, killedId), t => t.Contains("worker 1 left the run", StringComparison.Ordinal) && t.Contains("shard 1 to worker 0", StringComparison.Ordinal));
            var killedMetrics = await MetricsAsync(web, killedId);
            Assert.Equal(Enumerable.Range(1, Steps).Select(i => (long)i), killedMetrics.Select(m => m.GetProperty("step").GetInt64()));
            Assert.Equal(1, killedMetrics[^1].GetProperty("workers").GetInt32());
            FloatAssert.Close(expected, killedMetrics.Select(m => m.GetProperty("mleLoss").GetDouble()).ToArray(), SummationOrderTolerance);

            // Every checkpoint from before the kill is still there as it was, written by the run's one epoch; none twice.
            var checkpoints = done.GetProperty("checkpoints").EnumerateArray().ToList();
            foreach (var old in beforeKill.GetProperty("checkpoints").EnumerateArray())
                Assert.Contains(checkpoints, c => c.GetProperty("checkpointId").GetString() == old.GetProperty("checkpointId").GetString()
                    && c.GetProperty("length").GetInt64() == old.GetProperty("length").GetInt64() && c.GetProperty("epoch").GetInt64() == old.GetProperty("epoch").GetInt64());
            Assert.All(checkpoints, c => Assert.Equal(done.GetProperty("epoch").GetInt64(), c.GetProperty("epoch").GetInt64()));
            var steps = checkpoints.Select(c => c.GetProperty("step").GetInt64()).ToList();
            Assert.Equal(steps.Distinct().Order(), steps);
            Assert.Equal(Steps, steps[^1]);
        }
        finally
        {
            if (client is not null) { await client.TerminateAsync(TimeSpan.FromSeconds(60)); await client.DisposeAsync(); }
            foreach (var silo in silos.Reverse())
                if (silo.Host is not null) { if (!silo.Host.HasExited) await silo.Host.TerminateAsync(TimeSpan.FromSeconds(90)); await silo.Host.DisposeAsync(); }
        }
    }

    private static bool Finished(JsonElement run) => run.GetProperty("status").GetString() is "Completed" or "Failed" or "Stopped";

    private static async Task<List<JsonElement>> MetricsAsync(HttpClient web, string id) =>
        (await web.GetFromJsonAsync<JsonElement>($"/api/training-runs/{id}/metrics")).EnumerateArray().ToList();
}
