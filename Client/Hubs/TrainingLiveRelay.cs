using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using MusicCluster.Client.Services;

namespace MusicCluster.Client.Hubs;

/// <summary>
/// Pushes what changed in watched runs to their SignalR groups, once a second. It polls the run grains (one poll per
/// run however many browsers watch it) instead of subscribing grain observers: a run moves between silos when one
/// fails, and a poll simply reaches it wherever it is now.
/// </summary>
public sealed class TrainingLiveRelay(IServiceScopeFactory scopes, IHubContext<TrainingHub> hub, ILogger<TrainingLiveRelay> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private sealed class Cursor
    {
        public long NextStep;
        public long NextLine;
        public readonly ConcurrentDictionary<string, byte> Connections = new();
    }

    private readonly ConcurrentDictionary<string, Cursor> runs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> listWatchers = new();

    public async Task WatchAsync(string connectionId, string runId)
    {
        if (!runs.TryGetValue(runId, out var cursor))
        {
            using var scope = scopes.CreateScope();
            var training = scope.ServiceProvider.GetRequiredService<TrainingService>();
            var run = await training.GetAsync(runId);
            cursor = runs.GetOrAdd(runId, _ => new Cursor { NextStep = (run?.LatestMetrics?.Step ?? 0) + 1, NextLine = run?.LogLineCount ?? 0 });
        }
        cursor.Connections[connectionId] = 0;
    }

    public void WatchList(string connectionId) => listWatchers[connectionId] = 0;

    public void Forget(string connectionId)
    {
        listWatchers.TryRemove(connectionId, out _);
        foreach (var (runId, cursor) in runs)
            if (cursor.Connections.TryRemove(connectionId, out _) && cursor.Connections.IsEmpty) runs.TryRemove(runId, out _);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        int tick = 0;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            using var scope = scopes.CreateScope();
            var training = scope.ServiceProvider.GetRequiredService<TrainingService>();
            foreach (var (runId, cursor) in runs)
            {
                try
                {
                    var metrics = await training.GetMetricsAsync(runId, cursor.NextStep);
                    var log = await training.GetLogAsync(runId, cursor.NextLine);
                    var run = await training.GetAsync(runId);
                    if (metrics.Count > 0) cursor.NextStep = metrics[^1].Step + 1;
                    if (log.Count > 0) cursor.NextLine = log[^1].Number + 1;
                    await hub.Clients.Group(TrainingHub.GroupOf(runId)).SendAsync("update", new { run, metrics, log }, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The run may be moving to another silo: the next tick reaches it there.
                    logger.LogDebug(e, "Live training relay: run {Run} not reachable this time", runId);
                }
            }
            if (!listWatchers.IsEmpty && tick++ % 2 == 0)
            {
                try { await hub.Clients.Group(TrainingHub.ListGroup).SendAsync("runs", await training.ListAsync(), stoppingToken); }
                catch (Exception e) when (e is not OperationCanceledException) { logger.LogDebug(e, "Live training relay: run list not reachable this time"); }
            }
        }
    }
}
