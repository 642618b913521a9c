using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using MusicCluster.Grains.Interfaces.Generation;
using MusicCluster.Hosting;

namespace MusicCluster.Client.Hubs;

/// <summary>
/// One <see cref="GenerationWatch"/> per watched session in this web host, handing the session's updates, each once
/// and in order, to its SignalR group. The watch renews its observer before the silos expire it and catches up on
/// anything missed, so a session watched for long, or whose grain moved, loses nothing; it is dropped when the
/// session ends.
/// </summary>
public sealed class GenerationRelay(IClusterClient cluster, IHubContext<GenerationHub> hub, LiveUpdateSettings live, TimeProvider clock,
    ILogger<GenerationRelay> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Guid, Task<GenerationWatch>> watches = new();

    public Task<GenerationSnapshot?> GetAsync(Guid session) => cluster.GetGrain<IGenerationSessionGrain>(session).GetAsync();

    /// <summary>Follows the session from the update after <paramref name="fromSequence"/> on (a watch already there keeps its place).</summary>
    public async Task FollowAsync(Guid session, long fromSequence)
    {
        Task<GenerationWatch> started = watches.GetOrAdd(session, id => StartAsync(id, fromSequence));
        try
        {
            await started;
        }
        catch
        {
            watches.TryRemove(new KeyValuePair<Guid, Task<GenerationWatch>>(session, started));
            throw;
        }
    }

    private async Task<GenerationWatch> StartAsync(Guid session, long fromSequence)
    {
        GenerationWatch watch = await GenerationWatch.StartAsync(cluster, session, fromSequence,
            update => hub.Clients.Group(GenerationHub.GroupOf(session)).SendAsync("update", update), live.Renewal, clock, logger);
        _ = watch.Completion.ContinueWith(_ => ForgetAsync(session, watch), TaskScheduler.Default);
        return watch;
    }

    private async Task ForgetAsync(Guid session, GenerationWatch watch)
    {
        watches.TryRemove(session, out _);
        await watch.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (Task<GenerationWatch> watch in watches.Values)
        {
            try { await (await watch).DisposeAsync(); }
            catch (Exception e) { logger.LogDebug(e, "Closing a generation watch failed"); }
        }
    }
}
