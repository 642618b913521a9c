using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MusicCluster.Grains.Interfaces.Cluster;
using MusicCluster.Grains.Interfaces.Generation;
using MusicCluster.Grains.Interfaces.Live;
using MusicCluster.Hosting;
using Orleans.Runtime.Placement;

namespace MusicCluster.Grains.Tests;

/// <summary>
/// A session watched from one silo while it runs on another, which then stops mid-run (as in a scale-down or a
/// rolling deploy): the session's grain is activated again on the silo that remains, and the watch, renewed there,
/// receives every note the session had sent once and in order, then its end. Two silos in this process on one data
/// folder (localhost clustering: the second joins the first, which holds the membership, so the second is the one
/// that stops); observer expiry on a fake clock both share. The same for the cluster view, whose sampling grain lives on
/// the silo that stops.
/// </summary>
public sealed class LiveWatchAcrossSilosTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(180);

    private readonly FakeTimeProvider clock = new();
    private readonly int primaryPort = FreePort.Next();
    private readonly int secondPort = FreePort.Next();
    private LiveUpdateSettings live = null!;
    private TestSilo primary = null!;
    private TestSilo? second;

    public async Task InitializeAsync()
    {
        live = new LiveUpdateSettings(TimeSpan.FromSeconds(30)) { Clock = clock };
        primary = await TestSilo.StartAsync(Ports(primaryPort), services: s => s.AddSingleton(live));
        second = await TestSilo.StartAsync(Ports(secondPort), primary.DataPath, s => s.AddSingleton(live));
        await Poll.UntilAsync(async () => (await primary.Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count, n => n == 2,
            Deadline, "both silos active in the membership");
    }

    public async Task DisposeAsync()
    {
        if (second is not null) await second.DisposeAsync();
        await primary.DisposeAsync();
    }

    private Dictionary<string, string?> Ports(int siloPort) => new()
    {
        ["Cluster:SiloPort"] = siloPort.ToString(),
        ["Cluster:GatewayPort"] = FreePort.Next().ToString(),
        ["Cluster:PrimarySiloPort"] = primaryPort.ToString(),
    };

    [Fact]
    public async Task A_watch_on_one_silo_receives_every_note_once_in_order_when_the_sessions_silo_stops_mid_run()
    {
        var updates = new ConcurrentQueue<GenerationUpdate>();
        GenerationWatch? watch = null;
        Guid id = Guid.Empty;
        // Sessions are placed at random: start sessions until one runs on the second silo (a session on the primary is cancelled).
        for (int attempt = 0; attempt < 12 && watch is null; attempt++)
        {
            id = Guid.NewGuid();
            updates.Clear();
            GenerationWatch candidate = await GenerationWatch.StartAsync(primary.Grains, id, 0, u => { updates.Enqueue(u); return Task.CompletedTask; },
                live.Renewal, clock);
            GenerationSnapshot started = await primary.Grains.GetGrain<IGenerationSessionGrain>(id)
                .StartAsync(new GenerationRequest(Bars: GenerationRequest.MaxBars, TopK: 20, Seed: 21 + attempt, Candidates: 1));
            if (started.SiloAddress?.Contains($":{secondPort}", StringComparison.Ordinal) == true)
            {
                watch = candidate;
                break;
            }
            await primary.Grains.GetGrain<IGenerationSessionGrain>(id).CancelAsync();
            await candidate.DisposeAsync();
        }
        GenerationWatch moving = watch ?? throw new InvalidOperationException("no session was placed on the second silo in 12 tries");
        await using (moving)
        {
            await Poll.UntilAsync(() => Task.FromResult(updates.Sum(u => u.Notes.Count)), n => n > 0, Deadline, "the first notes arrived from the second silo");

            await second!.DisposeAsync();
            second = null;
            // The next renewal reaches the session's new activation on the primary, which finds its stored start and no engine job.
            await Poll.UntilAsync(async () =>
            {
                await clock.RenewAsync(moving, live.Renewal, Deadline);
                return moving.Completion.IsCompleted;
            }, done => done, Deadline, "the watch heard the end");

            GenerationUpdate[] received = updates.ToArray();
            Assert.Equal(Enumerable.Range(1, received.Length).Select(i => (long)i), received.Select(u => u.Sequence));
            // The primary's activation (the second silo is gone) tells the end: failed, after every note the second silo sent.
            GenerationSnapshot end = (await primary.Grains.GetGrain<IGenerationSessionGrain>(id).GetAsync())!;
            Assert.Equal(GenerationStatus.Failed, end.Status);
            Assert.Equal(GenerationStatus.Failed, received[^1].Status);
            Assert.Contains("stopped before it finished", received[^1].Error);
            Assert.Empty(received[^1].Notes);
            Assert.All(received[..^1], u => Assert.Equal(GenerationStatus.Running, u.Status));
            Assert.NotEmpty(received.SelectMany(u => u.Notes));
        }
    }

    [Fact]
    public async Task A_cluster_watch_follows_the_view_when_the_silo_of_its_sampler_stops_each_sample_once_in_order()
    {
        // The view grain's first call places it: on the second silo, by a placement hint. It samples on its own silo.
        var view = primary.Grains.GetGrain<IClusterViewGrain>(0);
        string secondAddress = second!.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString();
        RequestContext.Set(IPlacementDirector.PlacementHintKey, second.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress);
        Versioned<ClusterSnapshot> placed;
        try { placed = await view.GetLiveAsync(); }
        finally { RequestContext.Remove(IPlacementDirector.PlacementHintKey); }
        Assert.Equal(secondAddress, placed.Value.Storage?.Silo);

        var received = new ValueRecorder<ClusterSnapshot>();
        await using ClusterWatch watch = await received.OpenAsync(send => new ClusterWatch(primary.Grains, send, clock), live.Renewal);
        Assert.Equal(2, received.Values[0].Value.Silos.Count);

        await second.DisposeAsync();
        second = null;
        // The next renewal reaches the view grain's new activation on the primary, which samples a cluster of one.
        string primaryAddress = primary.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString();
        await Poll.UntilAsync(async () =>
        {
            await clock.RenewAsync(watch, live.Renewal, Deadline);
            ClusterSnapshot last = received.Values[^1].Value;
            return last.Storage?.Silo == primaryAddress && last.Silos.Count == 1;
        }, moved => moved, Deadline, "a sample from the primary showed the second silo gone");

        var values = received.Values;
        // Each sample once and in order, across the two activations: the new one numbers above the old.
        Assert.Equal(values.Select(v => v.Version).Distinct().Order(), values.Select(v => v.Version));
        Assert.Equal(values.Select(v => v.Value.TakenAt).Order(), values.Select(v => v.Value.TakenAt));
        Assert.Contains(values, v => v.Value.Storage?.Silo == secondAddress);
        Assert.Equal(primaryAddress, Assert.Single(values[^1].Value.Silos).Address);
    }
}
