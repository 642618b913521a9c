using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using MusicCluster.Client.Services;
using MusicCluster.Grains.Interfaces.Training;
using MusicCluster.Hosting;

namespace MusicCluster.Client.Hubs;

/// <summary>
/// Live training views. Each watched run has one <see cref="TrainingRunWatch"/> in this web host however many browsers
/// watch it: a grain observer renewed before the silos expire it, which catches up on what it missed when the run
/// moved to another silo, and hands new metrics, log lines and the run to the run's SignalR group, each step and line
/// once, in order. The watch closes when the last browser leaves, and every watch when the web host stops (a hosted
/// service, so before the cluster client does). The list of runs is a periodic read: <see cref="TrainingHub.Runs"/>.
/// </summary>
internal sealed class TrainingLiveRelay(IClusterClient cluster, IHubContext<TrainingHub> hub, LiveUpdateSettings live,
    TimeProvider clock, ILogger<TrainingLiveRelay> logger) : IHostedService
{
    private sealed class Watched(Task<TrainingRunWatch> watch)
    {
        public readonly Task<TrainingRunWatch> Watch = watch;
        public readonly ConcurrentDictionary<string, byte> Connections = new();
    }

    private readonly Lock gate = new();
    private readonly Dictionary<string, Watched> runs = new(StringComparer.Ordinal);

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

    public void Forget(string connectionId)
    {
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

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
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
