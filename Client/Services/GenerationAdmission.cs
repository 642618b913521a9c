using System.Net;
using MusicCluster.Grains.Interfaces.Generation;

namespace MusicCluster.Client.Services;

/// <summary>
/// Backpressure for generation requests through this web host: at most MusicCluster:Limits:PendingGenerations
/// sessions running at once, and at most MusicCluster:Limits:PendingGenerationsPerAddress from one client address
/// (<see cref="GenerationLimits"/>). Beyond either, a request is refused (the API answers 429 with Retry-After) instead of
/// queueing without bound. Sessions that ended are found by asking them, only when a limit is reached, so the count
/// costs nothing while the host is below its limits.
/// </summary>
public sealed class GenerationAdmission(IClusterClient cluster, GenerationLimits limits)
{
    /// <summary>Seconds a refused client is told to wait: about one short generation.</summary>
    public const int RetryAfterSeconds = 5;

    private readonly object gate = new();
    private readonly Dictionary<Guid, string> running = new();
    private readonly int pending = limits.PendingGenerations;
    private readonly int perAddress = limits.PendingGenerationsPerAddress;

    /// <summary>Reserves a place for session <paramref name="session"/> from <paramref name="address"/>; null when admitted,
    /// otherwise why not. A reservation whose start then fails is given back with <see cref="Release"/>.</summary>
    public async Task<string?> TryAdmitAsync(Guid session, IPAddress? address)
    {
        string key = address?.ToString() ?? "unknown";
        for (int attempt = 0; ; attempt++)
        {
            Guid[] candidates;
            lock (gate)
            {
                int fromAddress = running.Values.Count(a => a == key);
                if (fromAddress < perAddress && running.Count < pending)
                {
                    running[session] = key;
                    return null;
                }
                if (attempt > 0)
                    return fromAddress >= perAddress
                        ? $"{fromAddress} generations from your address are still running, the most one address may " +
                            $"have ({GenerationLimits.PendingGenerationsPerAddressKey}); try again when one has finished"
                        : $"{running.Count} generations are running on this host, the most it takes ({GenerationLimits.PendingGenerationsKey}); try again shortly";
                candidates = (fromAddress >= perAddress ? running.Where(r => r.Value == key) : running).Select(r => r.Key).ToArray();
            }
            // At a limit: forget the sessions that have ended since, then look again once.
            GenerationSnapshot?[] states = await Task.WhenAll(candidates.Select(id => cluster.GetGrain<IGenerationSessionGrain>(id).GetAsync()));
            lock (gate)
                for (int i = 0; i < candidates.Length; i++)
                    if (states[i] is not { Status: GenerationStatus.Running }) running.Remove(candidates[i]);
        }
    }

    public void Release(Guid session)
    {
        lock (gate) running.Remove(session);
    }
}
