using Microsoft.AspNetCore.SignalR;
using MusicCluster.Grains.Interfaces.Generation;

namespace MusicCluster.Client.Hubs;

/// <summary>
/// /hubs/generation: a browser calls Watch(sessionId) and receives "update" messages (GenerationUpdate) for that
/// session from then on; Watch returns the session as it stands, so nothing before is missed.
/// </summary>
public sealed class GenerationHub(GenerationRelay relay) : Hub
{
    public static string GroupOf(Guid session) => $"generation:{session:N}";

    public async Task<GenerationSnapshot?> Watch(Guid sessionId)
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(sessionId));
        await relay.FollowAsync(sessionId);
        return await relay.GetAsync(sessionId);
    }

    public Task Unwatch(Guid sessionId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupOf(sessionId));
}
