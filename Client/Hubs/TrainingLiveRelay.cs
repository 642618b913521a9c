using Microsoft.AspNetCore.SignalR;
using MusicCluster.Grains.Interfaces.Training;
using MusicCluster.Hosting;

namespace MusicCluster.Client.Hubs;

/// <summary>
/// Live training views. Each watched run has one <see cref="TrainingRunWatch"/> in this web host however many browsers
/// watch it (<see cref="SharedWatches{TKey, TWatch}"/>, held by the browsers' connections): a grain observer renewed
/// before the silos expire it, which catches up on what it missed when the run moved to another silo, and hands new
/// metrics, log lines and the run to the run's SignalR group, each step and line once, in order. The watch closes
/// when the last browser leaves or the run has ended, and every watch when the web host stops (a hosted service, so
/// before the cluster client does). The list of runs comes through <see cref="StatusRelays"/>: <see cref="TrainingHub.Runs"/>.
/// </summary>
internal sealed class TrainingLiveRelay(IClusterClient cluster, IHubContext<TrainingHub> hub, LiveUpdateSettings live,
    TimeProvider clock, ILogger<TrainingLiveRelay> logger) : IHostedService
{
    private readonly SharedWatches<string, TrainingRunWatch> watches = new(watch => watch.Completion, logger);

    /// <summary>Sends the run's group what happens from the run as it stands now on (the hub's catch-up read covers what came before).</summary>
    public Task WatchAsync(string connectionId, string runId) => watches.HoldAsync(runId, connectionId, StartAsync);

    private async Task<TrainingRunWatch> StartAsync(string runId)
    {
        TrainingRunSnapshot? run = await cluster.GetGrain<ITrainingRunGrain>(runId).GetAsync();
        return await TrainingRunWatch.StartAsync(cluster, runId, (run?.LatestMetrics?.Step ?? 0) + 1, run?.LogLineCount ?? 0,
            update => hub.Clients.Group(TrainingHub.GroupOf(runId)).SendAsync("update", update), live.Renewal, clock, logger);
    }

    public void Forget(string connectionId) => watches.ReleaseAll(connectionId);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken) => await watches.DisposeAsync();
}
