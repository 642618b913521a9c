using Microsoft.AspNetCore.SignalR;
using MusicCluster.Grains.Interfaces.Generation;
using MusicCluster.Hosting;

namespace MusicCluster.Client.Hubs;

/// <summary>
/// One <see cref="GenerationWatch"/> per watched session in this web host (<see cref="SharedWatches{TKey, TWatch}"/>),
/// handing the session's updates, each once and in order, to its SignalR group. The watch renews its observer before
/// the silos expire it and catches up on anything missed, so a session watched for long, or whose grain moved, loses
/// nothing; it is dropped when the session ends.
/// </summary>
public sealed class GenerationRelay(IClusterClient cluster, IHubContext<GenerationHub> hub, LiveUpdateSettings live, TimeProvider clock,
    ILogger<GenerationRelay> logger) : IAsyncDisposable
{
    private readonly SharedWatches<Guid, GenerationWatch> watches = new(watch => watch.Completion, logger);

    public Task<GenerationSnapshot?> GetAsync(Guid session) => cluster.GetGrain<IGenerationSessionGrain>(session).GetAsync();

    /// <summary>Follows the session from the update after <paramref name="fromSequence"/> on (a watch already there keeps its place).</summary>
    public Task FollowAsync(Guid session, long fromSequence) =>
        watches.HoldAsync(session, holder: null, id => GenerationWatch.StartAsync(cluster, id, fromSequence,
            update => hub.Clients.Group(GenerationHub.GroupOf(id)).SendAsync("update", update), live.Renewal, clock, logger));

    public ValueTask DisposeAsync() => watches.DisposeAsync();
}
