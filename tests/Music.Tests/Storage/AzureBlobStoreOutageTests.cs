using System.Text;
using MusicCluster.Music.Storage;

namespace MusicCluster.Music.Tests.Storage;

/// <summary>
/// A real Azurite (its own for each test, keeping its data in a folder) stopped and started again on the same ports
/// while blobs are being written: writes retry with backoff and are acknowledged only once stored, the store's health
/// says it is retrying, and after the restart every acknowledged write reads back intact. An outage longer than the
/// retry budget fails the write with <see cref="BlobStoreUnavailableException"/> naming the store and the blob.
/// </summary>
public sealed class AzureBlobStoreOutageTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [SkippableFact]
    public async Task Writes_during_an_outage_are_retried_with_backoff_and_every_acknowledged_write_reads_back_after_the_restart()
    {
        await using Azurite azurite = await Azurite.StartAsync(RepositoryPaths.NewTempFolder("azurite"));
        string container = $"outage-{Guid.NewGuid():N}";
        var store = new AzureBlobStore(azurite.ConnectionString, container, new StorageRetryPolicy { Budget = Patience });
        var acknowledged = new Dictionary<string, string>();
        for (int i = 0; i < 5; i++)
        {
            await store.WriteTextAsync($"pieces/before-{i}.mid", $"before {i}");
            acknowledged[$"pieces/before-{i}.mid"] = $"before {i}";
        }
        Assert.Equal(StorageState.Reachable, store.Health.Report().State);

        await azurite.StopAsync();
        // Writes started while the emulator is down: none may complete, each keeps retrying.
        var during = Enumerable.Range(0, 8).Select(i => (Name: $"pieces/during-{i}.mid", Text: $"during the outage {i}"))
            .Select(w => (w.Name, w.Text, Task: store.WriteTextAsync(w.Name, w.Text))).ToList();
        StorageHealthReport retrying = await Poll.UntilAsync(() => Task.FromResult(store.Health.Report()),
            h => h.State == StorageState.Retrying && h.Retries >= during.Count, Patience, "the writes to be retrying");
        Assert.Contains("write", retrying.LastProblem);
        Assert.All(during, w => Assert.False(w.Task.IsCompleted, $"{w.Name} completed while storage was down"));

        await azurite.RestartAsync();
        foreach (var (name, text, task) in during)
        {
            BlobInfo written = await task;
            Assert.Equal(BlobStoreExtensions.Sha256Hex(Encoding.UTF8.GetBytes(text)), written.Sha256);
            acknowledged[name] = text;
        }
        StorageHealthReport recovered = store.Health.Report();
        Assert.Equal(StorageState.Reachable, recovered.State);
        Assert.True(recovered.Retries >= during.Count, $"{recovered.Retries} retries");
        Assert.Equal(0, recovered.GivenUp);

        // A store made afresh (as a restarted silo would) reads every acknowledged blob, verified against its hash.
        var reader = new AzureBlobStore(azurite.ConnectionString, container);
        foreach (var (name, text) in acknowledged)
            Assert.Equal(text, Encoding.UTF8.GetString(await reader.ReadVerifiedAsync(name)));
        Assert.Equal(acknowledged.Keys.Order(StringComparer.Ordinal), await reader.ListAsync("pieces/").Select(b => b.Name).ToListAsync());
    }

    [SkippableFact]
    public async Task An_outage_longer_than_the_retry_budget_fails_the_write_with_a_clear_error_and_the_store_recovers_when_storage_is_back()
    {
        await using Azurite azurite = await Azurite.StartAsync(RepositoryPaths.NewTempFolder("azurite"));
        var budget = TimeSpan.FromSeconds(2);
        var store = new AzureBlobStore(azurite.ConnectionString, $"budget-{Guid.NewGuid():N}", new StorageRetryPolicy { Budget = budget });
        await store.WriteTextAsync("runs/r/log.jsonl", "{}");

        await azurite.KillAsync();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<BlobStoreUnavailableException>(() => store.WriteTextAsync("pieces/lost.mid", "never acknowledged"));
        started.Stop();
        Assert.Contains("pieces/lost.mid", error.Message);
        Assert.Contains(store.Description, error.Message);
        Assert.DoesNotContain("AccountKey", error.Message);
        Assert.InRange(started.Elapsed, budget * 0.5, budget + Patience);
        Assert.Contains("time(s)", error.Message);
        Assert.False(error.Message.Contains(" 1 time(s)"), $"given up without retrying: {error.Message}");
        StorageHealthReport down = store.Health.Report();
        Assert.Equal(StorageState.Unreachable, down.State);
        Assert.Equal(1, down.GivenUp);
        // Reads fail the same way, never as "not found".
        await Assert.ThrowsAsync<BlobStoreUnavailableException>(() => store.GetInfoAsync("runs/r/log.jsonl"));

        await azurite.RestartAsync();
        await store.WriteTextAsync("pieces/after.mid", "after");
        Assert.Equal(StorageState.Reachable, store.Health.Report().State);
        Assert.Null(await store.GetInfoAsync("pieces/lost.mid"));
        Assert.Equal("after", await store.ReadAllTextAsync("pieces/after.mid"));
    }
}
