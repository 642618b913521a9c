namespace MusicCluster.Music.Storage;

/// <summary>
/// How long one blob operation keeps retrying a store it cannot reach: exponential backoff from
/// <see cref="FirstDelay"/>, doubling up to <see cref="MaxDelay"/>, until <see cref="Budget"/> has passed since the
/// first try; then <see cref="BlobStoreUnavailableException"/>. Only faults that can pass (no connection, a reset, a
/// time-out, 408/429/5xx) are retried; a refusal (404, 409, 403, bad request) is the caller's answer at once.
/// </summary>
public sealed record StorageRetryPolicy
{
    public const string BudgetKey = "MusicCluster:Storage:RetrySeconds";
    /// <summary>Under Orleans' 30-s grain call time-out, so a caller hears "storage unavailable" rather than a time-out.</summary>
    public const int DefaultBudgetSeconds = 20;

    public TimeSpan Budget { get; init; } = TimeSpan.FromSeconds(DefaultBudgetSeconds);
    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromMilliseconds(250);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The delay after the given failed attempt (1-based), with ±20 % jitter so silos do not retry in step.</summary>
    public TimeSpan DelayAfter(int attempt)
    {
        double seconds = Math.Min(MaxDelay.TotalSeconds, FirstDelay.TotalSeconds * Math.Pow(2, Math.Min(attempt - 1, 30)));
        return TimeSpan.FromSeconds(seconds * (0.8 + 0.4 * Random.Shared.NextDouble()));
    }

    /// <summary>Reads <see cref="BudgetKey"/> (0 to 3600 s; 0 = no retry); a bad value stops the host naming the key.</summary>
    public static StorageRetryPolicy FromLookup(Func<string, string?> lookup)
    {
        string? text = lookup(BudgetKey);
        if (string.IsNullOrEmpty(text)) return new StorageRetryPolicy();
        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double seconds)
            && seconds is >= 0 and <= 3600
            ? new StorageRetryPolicy { Budget = TimeSpan.FromSeconds(seconds) }
            : throw new InvalidOperationException($"{BudgetKey} '{text}' is not a number of seconds from 0 to 3600");
    }

    /// <summary>
    /// Runs <paramref name="operation"/> until it succeeds, fails with a fault that cannot pass, or the budget is spent;
    /// each try and its outcome go to <paramref name="health"/>. The caller's cancellation ends the waiting at once.
    /// </summary>
    public async Task<T> RunAsync<T>(string operation, string? name, string store, StorageHealth health,
        Func<CancellationToken, Task<T>> attempt, Func<Exception, bool> transient, TimeProvider clock, CancellationToken cancellationToken)
    {
        long started = clock.GetTimestamp();
        string what = name is null ? operation : $"{operation} of {name}";
        for (int tries = 1; ; tries++)
        {
            try
            {
                T result = await attempt(cancellationToken);
                health.Succeeded(clock.GetUtcNow());
                return result;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && transient(e))
            {
                TimeSpan elapsed = clock.GetElapsedTime(started);
                TimeSpan delay = DelayAfter(tries);
                if (elapsed + delay > Budget)
                {
                    health.GaveUp(clock.GetUtcNow(), $"{what}: {e.Message}");
                    throw new BlobStoreUnavailableException(operation, name, store, tries, elapsed, e);
                }
                health.Retrying(clock.GetUtcNow(), $"{what}: {e.Message}");
                await Task.Delay(delay, clock, cancellationToken);
            }
        }
    }
}
