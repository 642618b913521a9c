using Microsoft.AspNetCore.SignalR;
using MusicCluster.Client.Services;
using MusicCluster.Grains.Interfaces.Generation;

namespace MusicCluster.Client.Hubs;

/// <summary>
/// /hubs/generation: a browser calls Watch(sessionId) and receives "update" messages (GenerationUpdate) for that
/// session from then on; Watch returns the session as it stands, so nothing before is missed. Only sessions that
/// exist are watched, and only running ones are followed (a finished session has nothing more to send); one
/// connection watches at most MusicCluster:Limits:WatchesPerConnection sessions at once (<see cref="GenerationLimits"/>), so a client
/// cannot make this host hold observers and groups without bound.
/// </summary>
public sealed class GenerationHub(GenerationRelay relay, GenerationLimits limits) : Hub
{
    private const string WatchedKey = "watched-sessions";

    public static string GroupOf(Guid session) => $"generation:{session:N}";

    public async Task<GenerationSnapshot?> Watch(Guid sessionId)
    {
        GenerationSnapshot? snapshot = await relay.GetAsync(sessionId);
        if (snapshot is null) throw new HubException($"There is no generation session '{sessionId}'");
        if (snapshot.Status is not GenerationStatus.Running) return snapshot;

        HashSet<Guid> watched = Watched();
        int limit = limits.WatchesPerConnection;
        lock (watched)
        {
            if (!watched.Contains(sessionId) && watched.Count >= limit)
                throw new HubException($"This connection already watches {watched.Count} sessions, the most one " +
                    $"may ({GenerationLimits.WatchesPerConnectionKey}); unwatch one first");
            watched.Add(sessionId);
        }
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(sessionId));
        await relay.FollowAsync(sessionId, snapshot.Sequence);
        // Read again after joining the group: an update sent in between is in this snapshot or arrives as a message.
        return await relay.GetAsync(sessionId);
    }

    public async Task Unwatch(Guid sessionId)
    {
        HashSet<Guid> watched = Watched();
        lock (watched) watched.Remove(sessionId);
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupOf(sessionId));
    }

    private HashSet<Guid> Watched()
    {
        lock (Context.Items)
        {
            if (Context.Items.TryGetValue(WatchedKey, out object? value)) return (HashSet<Guid>)value!;
            var created = new HashSet<Guid>();
            Context.Items[WatchedKey] = created;
            return created;
        }
    }
}
