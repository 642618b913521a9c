using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MusicCluster.Grains.Interfaces.Generation;
using MusicCluster.Hosting;
using Orleans.Core.Internal;

namespace MusicCluster.Grains.Tests;

/// <summary>
/// One silo whose observer expiry runs on a fake clock the tests move (the rest of the silo keeps real time), without
/// a starter library (its seeding would only compete for the CPU).
/// </summary>
public sealed class LiveSiloFixture : IAsyncLifetime
{
    public FakeTimeProvider Clock { get; } = new();

    public LiveUpdateSettings Live { get; private set; } = null!;

    public TestSilo Silo { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Live = new LiveUpdateSettings(TimeSpan.FromSeconds(30)) { Clock = Clock };
        Silo = await TestSilo.StartAsync(new Dictionary<string, string?> { ["MusicCluster:Library:SeedCount"] = "0" }, services: s => s.AddSingleton(Live));
    }

    public async Task DisposeAsync() => await Silo.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class LiveSiloCollection : ICollectionFixture<LiveSiloFixture>
{
    public const string Name = "live silo";
}

/// <summary>
/// A <see cref="GenerationWatch"/> hands on every update of a session once and in order: while its observer is
/// renewed across many expiry periods, after the observer expired (the renewal catches up), and after the session's
/// grain left its activation mid-run (the next activation tells the end).
/// </summary>
[Collection(LiveSiloCollection.Name)]
public sealed class LiveWatchTests(LiveSiloFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    private sealed class Received
    {
        public ConcurrentQueue<GenerationUpdate> Updates { get; } = new();

        public Task TakeAsync(GenerationUpdate update)
        {
            Updates.Enqueue(update);
            return Task.CompletedTask;
        }

        /// <summary>Every update once, numbered 1, 2, 3... in the order handed on.</summary>
        public GenerationUpdate[] InOrder()
        {
            GenerationUpdate[] all = Updates.ToArray();
            Assert.Equal(Enumerable.Range(1, all.Length).Select(i => (long)i), all.Select(u => u.Sequence));
            return all;
        }
    }

    private IGenerationSessionGrain Session(Guid id) => fixture.Silo.Grains.GetGrain<IGenerationSessionGrain>(id);

    private Task<GenerationWatch> WatchAsync(Guid id, Received received, TimeSpan renewal) =>
        GenerationWatch.StartAsync(fixture.Silo.Grains, id, 0, received.TakeAsync, renewal, fixture.Clock);

    /// <summary>Moves the fake clock one renewal period and waits until the watch has renewed.</summary>
    private Task RenewAsync(GenerationWatch watch, TimeSpan renewal) => fixture.Clock.RenewAsync(watch, renewal, Deadline);

    private async Task<GenerationSnapshot> EndOf(Guid id) =>
        (await Poll.UntilAsync(() => Session(id).GetAsync(), s => s is { Status: not (GenerationStatus.Running or GenerationStatus.Pending) }, Deadline,
            "the session ended"))!;

    [Fact]
    public async Task A_watch_renewed_before_expiry_hears_every_update_live_after_three_expiry_periods()
    {
        var id = Guid.NewGuid();
        var received = new Received();
        await using GenerationWatch watch = await WatchAsync(id, received, fixture.Live.Renewal);
        // Nine renewals: 90 s on the grain's clock, three times its observer expiry.
        for (int i = 0; i < 9; i++) await RenewAsync(watch, fixture.Live.Renewal);

        await Session(id).StartAsync(new GenerationRequest(Bars: 2, TopK: 20, Seed: 11, Candidates: 1));
        await watch.Completion.WaitAsync(Deadline);

        GenerationSnapshot end = await EndOf(id);
        GenerationUpdate[] updates = received.InOrder();
        Assert.Equal(GenerationStatus.Completed, updates[^1].Status);
        Assert.Equal(end.Notes, updates.SelectMany(u => u.Notes));
        Assert.Equal(end.BarScores, updates.SelectMany(u => u.BarScores));
        // Every update came through the observer: nothing had to be caught up.
        Assert.Equal(0, watch.CatchUps);
    }

    [Fact]
    public async Task An_expired_observer_misses_updates_and_the_next_renewal_catches_up_on_every_one_in_order()
    {
        var id = Guid.NewGuid();
        var received = new Received();
        // Renewing only every 60 s lets the 30 s expiry pass first.
        TimeSpan renewal = fixture.Live.ObserverExpiry * 2;
        await using GenerationWatch watch = await WatchAsync(id, received, renewal);
        fixture.Clock.Advance(fixture.Live.ObserverExpiry + TimeSpan.FromSeconds(1));

        await Session(id).StartAsync(new GenerationRequest(Bars: 2, TopK: 20, Seed: 12, Candidates: 1));
        GenerationSnapshot end = await EndOf(id);
        Assert.Empty(received.Updates);

        fixture.Clock.Advance(renewal - fixture.Live.ObserverExpiry);
        await watch.Completion.WaitAsync(Deadline);
        GenerationUpdate[] updates = received.InOrder();
        Assert.Equal(end.Sequence, updates[^1].Sequence);
        Assert.Equal(GenerationStatus.Completed, updates[^1].Status);
        Assert.Equal(end.Notes, updates.SelectMany(u => u.Notes));
        Assert.Equal(1, watch.CatchUps);
    }

    [Fact]
    public async Task A_session_whose_activation_goes_mid_run_ends_as_failed_for_its_watcher_after_every_note_sent_before()
    {
        // A session may finish before the test removes its activation; try a few, and require one moved mid-run.
        bool moved = false;
        for (int attempt = 0; attempt < 3 && !moved; attempt++)
        {
            var id = Guid.NewGuid();
            var received = new Received();
            await using GenerationWatch watch = await WatchAsync(id, received, fixture.Live.Renewal);
            await Session(id).StartAsync(new GenerationRequest(Bars: GenerationRequest.MaxBars, TopK: 20, Seed: 13 + attempt, Candidates: 1));
            await Poll.UntilAsync(() => Task.FromResult(received.Updates.Sum(u => u.Notes.Count)), n => n > 0, Deadline, "the first notes arrived");

            await Session(id).AsReference<IGrainManagementExtension>().DeactivateOnIdle();
            // The next renewal reaches a new activation, which finds the session's stored start and no engine job.
            await Poll.UntilAsync(async () => { await RenewAsync(watch, fixture.Live.Renewal); return watch.Completion.IsCompleted; }, done => done, Deadline,
                "the watch heard the end");

            GenerationUpdate[] updates = received.InOrder();
            GenerationSnapshot end = (await Session(id).GetAsync())!;
            Assert.Equal(end.Status, updates[^1].Status);
            if (end.Status == GenerationStatus.Completed)
            {
                Assert.Equal(end.Notes, updates.SelectMany(u => u.Notes));
                continue;
            }
            moved = true;
            Assert.Equal(GenerationStatus.Failed, end.Status);
            Assert.Contains("stopped before it finished", updates[^1].Error);
            Assert.All(updates[..^1], u => Assert.Equal(GenerationStatus.Running, u.Status));
            Assert.Empty(updates[^1].Notes);
            Assert.NotEmpty(updates.SelectMany(u => u.Notes));
        }
        Assert.True(moved, "every session finished before its activation could be removed");
    }
}
