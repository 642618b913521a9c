namespace MusicCluster.TestSupport;

/// <summary>Waits for a condition by asking again (not by sleeping a guessed time): returns the first value that satisfies it, or fails with the last one seen.</summary>
public static class Poll
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last;
        while (true)
        {
            last = await read();
            if (condition(last)) return last;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what}: not reached within {timeout.TotalSeconds:F0} s; last seen: {last}");
            await Task.Delay(100);
        }
    }
}
