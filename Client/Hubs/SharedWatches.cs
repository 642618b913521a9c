namespace MusicCluster.Client.Hubs;

/// <summary>
/// One watch per key in this web host, shared by everyone who follows that key here (browser connections, streams):
/// the first holder starts it, later ones get the same; it is closed when the last holder lets go, when the watched
/// work has ended (<c>ended</c> completes), or when the web host stops. A watch that failed to start is forgotten, so
/// the next holder tries again. Holders are any objects (a connection id, a stream's channel); a watch taken with
/// no holder is kept until its work ends. The relays (<see cref="GenerationRelay"/>, <see cref="TrainingLiveRelay"/>,
/// <see cref="LiveValueRelay{TKey, TValue}"/>) share their watches through this.
/// </summary>
internal sealed class SharedWatches<TKey, TWatch>(Func<TWatch, Task> ended, ILogger logger) : IAsyncDisposable
    where TKey : notnull
    where TWatch : class, IAsyncDisposable
{
    private sealed class Entry
    {
        public readonly TaskCompletionSource<TWatch> Started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly HashSet<object> Holders = [];
    }

    private readonly Lock gate = new();
    private readonly Dictionary<TKey, Entry> entries = [];

    /// <summary>Keys watched now (tests and diagnostics).</summary>
    public int Count
    {
        get { lock (gate) return entries.Count; }
    }

    /// <summary>The key's watch, started with <paramref name="start"/> unless one is there; <paramref name="holder"/> holds it until released.</summary>
    public async Task<TWatch> HoldAsync(TKey key, object? holder, Func<TKey, Task<TWatch>> start)
    {
        Entry entry;
        bool created = false;
        lock (gate)
        {
            if (!entries.TryGetValue(key, out entry!))
            {
                entry = new Entry();
                entries[key] = entry;
                created = true;
            }
            if (holder is not null) entry.Holders.Add(holder);
        }
        if (created) _ = StartAsync(key, entry, start);
        try
        {
            return await entry.Started.Task;
        }
        catch
        {
            Remove(key, entry);
            throw;
        }
    }

    /// <summary>Lets go of the key's watch; the last holder to let go closes it.</summary>
    public void Release(TKey key, object holder)
    {
        Entry? closed = null;
        lock (gate)
        {
            if (entries.TryGetValue(key, out Entry? entry) && entry.Holders.Remove(holder) && entry.Holders.Count == 0)
            {
                entries.Remove(key);
                closed = entry;
            }
        }
        if (closed is not null) _ = CloseAsync(closed);
    }

    /// <summary>Lets go of every watch <paramref name="holder"/> holds (a connection that left).</summary>
    public void ReleaseAll(object holder)
    {
        List<TKey> held;
        lock (gate) held = [.. entries.Where(e => e.Value.Holders.Contains(holder)).Select(e => e.Key)];
        foreach (TKey key in held) Release(key, holder);
    }

    private async Task StartAsync(TKey key, Entry entry, Func<TKey, Task<TWatch>> start)
    {
        TWatch watch;
        try
        {
            watch = await start(key);
        }
        catch (Exception e)
        {
            entry.Started.SetException(e);
            return;
        }
        entry.Started.SetResult(watch);
        await ended(watch);
        if (Remove(key, entry)) await CloseAsync(entry);
    }

    /// <summary>True when this call removed the entry (so it is the one to close it).</summary>
    private bool Remove(TKey key, Entry entry)
    {
        lock (gate) return entries.TryGetValue(key, out Entry? now) && now == entry && entries.Remove(key);
    }

    private async Task CloseAsync(Entry entry)
    {
        try
        {
            await (await entry.Started.Task).DisposeAsync();
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Closing a live watch failed");
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<Entry> all;
        lock (gate)
        {
            all = [.. entries.Values];
            entries.Clear();
        }
        foreach (Entry entry in all) await CloseAsync(entry);
    }
}
