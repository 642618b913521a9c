using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using MusicCluster.Client.Services;
using MusicCluster.Grains.Hosting;
using MusicCluster.Grains.Interfaces.Training;

namespace MusicCluster.Client.Hubs;

/// <summary>
/// Live training views. Each watched run has one <see cref="TrainingRunWatch"/> in this web host however many browsers
/// watch it: a grain observer renewed before the silos expire it, which catches up on what it missed when the run
/// moved to another silo, and hands new metrics, log lines and the run to the run's SignalR group, each step and line
/// once, in order. The watch closes when the last browser leaves. The list of runs has no grain that tells of
/// changes: it is read once every <see cref="ListPeriod"/> while a browser shows it.
/// </summary>
public sealed class TrainingLiveRelay(IClusterClient cluster, IServiceScopeFactory scopes, IHubContext<TrainingHub> hub, LiveUpdateSettings live,
    TimeProvider clock, ILogger<TrainingLiveRelay> logger) : BackgroundService
{
    private static readonly TimeSpan ListPeriod = TimeSpan.FromSeconds(2);

    private sealed class Watched(Task<TrainingRunWatch> watch)
    {
        public readonly Task<TrainingRunWatch> Watch = watch;
        public readonly ConcurrentDictionary<string, byte> Connections = new();
    }

    private readonly Lock gate = new();
    private readonly Dictionary<string, Watched> runs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> listWatchers = new();

    /// <summary>Sends the run's group what happens from the run as it stands now on (the hub's catch-up read covers what came before).</summary>
    public async Task WatchAsync(string connectionId, string runId)
    {
        Watched watched;
        lock (gate)
        {
            if (!runs.TryGetValue(runId, out watched!))
            {
                watched = new Watched(StartAsync(runId));
                runs[runId] = watched;
            }
            watched.Connections[connectionId] = 0;
        }
        try
        {
            await watched.Watch;
        }
        catch
        {
            lock (gate) if (runs.TryGetValue(runId, out var now) && now == watched) runs.Remove(runId);
            throw;
        }
    }

    private async Task<TrainingRunWatch> StartAsync(string runId)
    {
        TrainingRunSnapshot? run = await cluster.GetGrain<ITrainingRunGrain>(runId).GetAsync();
        return await TrainingRunWatch.StartAsync(cluster, runId, (run?.LatestMetrics?.Step ?? 0) + 1, run?.LogLineCount ?? 0,
            update => hub.Clients.Group(TrainingHub.GroupOf(runId)).SendAsync("update", update), live.Renewal, clock, logger);
    }

    public void WatchList(string connectionId) => listWatchers[connectionId] = 0;

    public void Forget(string connectionId)
    {
        listWatchers.TryRemove(connectionId, out _);
        List<Watched> closed = [];
        lock (gate)
        {
            foreach (var (runId, watched) in runs.ToList())
            {
                if (!watched.Connections.TryRemove(connectionId, out _) || !watched.Connections.IsEmpty) continue;
                runs.Remove(runId);
                closed.Add(watched);
            }
        }
        foreach (Watched watched in closed) _ = CloseAsync(watched);
    }

    private async Task CloseAsync(Watched watched)
    {
        try { await (await watched.Watch).DisposeAsync(); }
        catch (Exception e) { logger.LogDebug(e, "Closing a training watch failed"); }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(ListPeriod, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (listWatchers.IsEmpty) continue;
                try
                {
                    using var scope = scopes.CreateScope();
                    var training = scope.ServiceProvider.GetRequiredService<TrainingService>();
                    await hub.Clients.Group(TrainingHub.ListGroup).SendAsync("runs", await training.ListAsync(), stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogDebug(e, "Live training relay: run list not reachable this time");
                }
            }
        }
        finally
        {
            List<Watched> all;
            lock (gate)
            {
                all = [.. runs.Values];
                runs.Clear();
            }
            foreach (Watched watched in all) await CloseAsync(watched);
        }
    }
}
