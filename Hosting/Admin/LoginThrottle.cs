using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace MusicCluster.Hosting.Admin;

/// <summary>
/// Slows down guessing the admin password: at most <see cref="MaxFailures"/> tries from one address within
/// <see cref="Window"/> may be wrong; then that address may not try again (not even with the right password) until the
/// oldest of those tries is older than the window. A right password clears the address's count.
/// A try is counted when it begins (<see cref="TryBeginAttempt"/>), before the slow password hash: parallel tries
/// cannot all pass the check before any of them is recorded, so no more than MaxFailures passwords are ever checked.
/// Configuration: MusicCluster:Login:MaxFailures (default 5), MusicCluster:Login:WindowSeconds (default 300).
/// </summary>
public sealed class LoginThrottle(IConfiguration configuration, TimeProvider clock, ILogger<LoginThrottle> logger)
{
    // Addresses with recent tries; a queue is removed only under its own lock and only when empty, and a try that
    // finds its queue removed starts again with a new one, so no try is counted in a queue nobody sees.
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> attempts = new();

    public int MaxFailures { get; } = Math.Max(1, configuration.GetValue("MusicCluster:Login:MaxFailures", 5));

    public TimeSpan Window { get; } = TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("MusicCluster:Login:WindowSeconds", 300.0)));

    /// <summary>
    /// Counts a try from <paramref name="address"/> as wrong until <see cref="RecordSuccess"/> says otherwise.
    /// Returns null when the try may go on, or how long the address must wait (nothing is counted then).
    /// </summary>
    public TimeSpan? TryBeginAttempt(IPAddress? address)
    {
        string key = Key(address);
        while (true)
        {
            var recent = attempts.GetOrAdd(key, _ => new Queue<DateTimeOffset>());
            int count;
            lock (recent)
            {
                if (!attempts.TryGetValue(key, out var current) || !ReferenceEquals(current, recent)) continue;
                Expire(recent);
                if (recent.Count >= MaxFailures) return recent.Peek() + Window - clock.GetUtcNow();
                recent.Enqueue(clock.GetUtcNow());
                count = recent.Count;
            }
            if (count == MaxFailures)
                logger.LogWarning("Admin sign-in: {Address} has used its {Failures} tries; further tries wait {WindowSeconds} s", key, count, Window.TotalSeconds);
            ForgetExpired();
            return null;
        }
    }

    /// <summary>How long <paramref name="address"/> must wait before its next try; null when it may try now.</summary>
    public TimeSpan? RetryAfter(IPAddress? address)
    {
        if (!attempts.TryGetValue(Key(address), out var recent)) return null;
        lock (recent)
        {
            Expire(recent);
            if (recent.Count < MaxFailures) return null;
            return recent.Peek() + Window - clock.GetUtcNow();
        }
    }

    /// <summary>The right password: the address's tries no longer count.</summary>
    public void RecordSuccess(IPAddress? address)
    {
        if (!attempts.TryGetValue(Key(address), out var recent)) return;
        lock (recent) recent.Clear();
        ForgetExpired();
    }

    private static string Key(IPAddress? address) => address?.ToString() ?? "unknown";

    private void Expire(Queue<DateTimeOffset> recent)
    {
        DateTimeOffset oldestKept = clock.GetUtcNow() - Window;
        while (recent.Count > 0 && recent.Peek() <= oldestKept) recent.Dequeue();
    }

    private void ForgetExpired()
    {
        foreach (var (key, recent) in attempts)
            lock (recent)
            {
                Expire(recent);
                if (recent.Count == 0) attempts.TryRemove(new KeyValuePair<string, Queue<DateTimeOffset>>(key, recent));
            }
    }
}
