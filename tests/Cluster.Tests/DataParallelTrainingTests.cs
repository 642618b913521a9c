using System.Net.Http.Json;
using System.Text.Json;
using static MusicCluster.Cluster.Tests.TrainingFailoverTests;

namespace MusicCluster.Cluster.Tests;

/// <summary>
/// Data-parallel training runs on three real Silo processes (the primary takes no runs; an accelerator silo and a CPU
/// silo train): a run of two workers trains on both, moving gradients between them as binary chunks; its losses are
/// those of one worker with the summed batch; the cluster page's data lists a run's worker on its silo.
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
    public async Task Two_workers_on_two_silos_equal_one_with_the_summed_batch_and_show_on_the_cluster_page()
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

            // A second two-worker run: the cluster page's data shows its worker on the CPU silo while it trains.
            // (Killing that silo mid-run is not tested here yet: when the dead silo held the run grain's directory entry, Orleans
            // deactivates the run, which resumes from a checkpoint but loses the metrics of its last steps; see docs/training-runs.md.)
            JsonElement listed = await StartRunAsync(web, Run("listed", workers: 2, batchSize: 2));
            string listedId = listed.GetProperty("runId").GetString()!;
            // The cluster page's data shows the worker on its silo (once the run has reported its workers to the index).
            await ClusterApi.PollSilosAsync(web, all => all.EnumerateArray().Any(silo =>
                silo.GetProperty("address").GetString()!.Contains($":{silos[2].SiloPort}@", StringComparison.Ordinal)
                && silo.GetProperty("trainingWorkers").EnumerateArray().Any(r => r.GetString() == listedId)), TimeSpan.FromSeconds(60));
            JsonElement listedDone = await WaitRunAsync(web, listedId, Finished, "the listed run finishes");
            Assert.Equal("Completed", listedDone.GetProperty("status").GetString());
            FloatAssert.Close(expected, (await MetricsAsync(web, listedId)).Select(m => m.GetProperty("mleLoss").GetDouble()).ToArray(), SummationOrderTolerance);
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
