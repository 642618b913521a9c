using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using MusicCluster.Grains.Interfaces.Generation;

namespace MusicCluster.Client.Hubs;

/// <summary>
/// One grain observer per watched session in this web host, forwarding the session's updates to its SignalR group.
/// The observer is dropped when the session ends.
/// </summary>
public sealed class GenerationRelay(IClusterClient cluster, IHubContext<GenerationHub> hub, ILogger<GenerationRelay> logger)
{
    private readonly ConcurrentDictionary<Guid, Forwarder> forwarders = new();

    public Task<GenerationSnapshot?> GetAsync(Guid session) => cluster.GetGrain<IGenerationSessionGrain>(session).GetAsync();

    public async Task FollowAsync(Guid session)
    {
        var forwarder = new Forwarder(this, session);
        if (!forwarders.TryAdd(session, forwarder)) return;
        try
        {
            forwarder.Reference = cluster.CreateObjectReference<IGenerationObserver>(forwarder);
            await cluster.GetGrain<IGenerationSessionGrain>(session).SubscribeAsync(forwarder.Reference);
        }
        catch
        {
            forwarders.TryRemove(session, out _);
            throw;
        }
    }

    private async Task ForwardAsync(Guid session, GenerationUpdate update)
    {
        await hub.Clients.Group(GenerationHub.GroupOf(session)).SendAsync("update", update);
        if (update.Status is GenerationStatus.Running || !forwarders.TryRemove(session, out Forwarder? done)) return;
        try
        {
            await cluster.GetGrain<IGenerationSessionGrain>(session).UnsubscribeAsync(done.Reference!);
            cluster.DeleteObjectReference<IGenerationObserver>(done.Reference!);
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Unsubscribing from session {Session} failed", session);
        }
    }

    private sealed class Forwarder(GenerationRelay relay, Guid session) : IGenerationObserver
    {
        public IGenerationObserver? Reference { get; set; }

        public Task OnUpdateAsync(GenerationUpdate update) => relay.ForwardAsync(session, update);
    }
}
