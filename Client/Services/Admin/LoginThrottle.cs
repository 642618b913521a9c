using System.Collections.Concurrent;
using System.Net;

namespace MusicCluster.Client.Services.Admin;

/// <summary>
/// Slows down guessing the admin password: after <see cref="MaxFailures"/> wrong passwords from one address within
/// <see cref="Window"/>, that address may not try again (not even with the right password) until the oldest of
/// those failures is older than the window. A right password clears the address's failures.
/// Configuration: MusicCluster:Login:MaxFailures (default 5), MusicCluster:Login:WindowSeconds (default 300).
/// </summary>
public sealed class LoginThrottle(IConfiguration configuration, TimeProvider clock, ILogger<LoginThrottle> logger)
{
    // Addresses with recent failures; entries whose failures have all expired are removed as others are recorded.
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> failures = new();

    public int MaxFailures { get; } = Math.Max(1, configuration.GetValue("MusicCluster:Login:MaxFailures", 5));

    public TimeSpan Window { get; } = TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("MusicCluster:Login:WindowSeconds", 300.0)));

    /// <summary>How long <paramref name="address"/> must wait before its next attempt; null when it may try now.</summary>
    public TimeSpan? RetryAfter(IPAddress? address)
    {
        if (!failures.TryGetValue(Key(address), out var recent)) return null;
        lock (recent)
        {
            Expire(recent);
            if (recent.Count < MaxFailures) return null;
            return recent.Peek() + Window - clock.GetUtcNow();
        }
    }

    public void RecordFailure(IPAddress? address)
    {
        string key = Key(address);
        var recent = failures.GetOrAdd(key, _ => new Queue<DateTimeOffset>());
        int count;
        lock (recent)
        {
            Expire(recent);
            recent.Enqueue(clock.GetUtcNow());
            count = recent.Count;
        }
        if (count == MaxFailures)
            logger.LogWarning("Admin sign-in refused for {Address} for {WindowSeconds} s after {Failures} wrong passwords", key, Window.TotalSeconds, count);
        ForgetExpired();
    }

    public void RecordSuccess(IPAddress? address) => failures.TryRemove(Key(address), out _);

    private static string Key(IPAddress? address) => address?.ToString() ?? "unknown";

    private void Expire(Queue<DateTimeOffset> recent)
    {
        DateTimeOffset oldestKept = clock.GetUtcNow() - Window;
        while (recent.Count > 0 && recent.Peek() <= oldestKept) recent.Dequeue();
    }

    private void ForgetExpired()
    {
        foreach (var (key, recent) in failures)
        {
            bool empty;
            lock (recent)
            {
                Expire(recent);
                empty = recent.Count == 0;
            }
            if (empty) failures.TryRemove(new KeyValuePair<string, Queue<DateTimeOffset>>(key, recent));
        }
    }
}
