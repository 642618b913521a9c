using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace MusicCluster.Client.Hubs;

/// <summary>
/// One reader per key, shared by every subscriber of that key: while anyone subscribes, the value is read once a
/// period and handed to all of them, so a hundred open cluster pages cost one grain call every two seconds, not a
/// hundred. A new subscriber gets the latest value at once; a slow one gets the newest value, never a backlog. The
/// reading stops when the last subscriber leaves.
/// </summary>
internal sealed class SharedPoll<TKey, TValue>(Func<TKey, Task<TValue>> read, TimeSpan period, TimeProvider clock, ILogger logger)
    where TKey : notnull
{
    private sealed class Feed
    {
        public readonly List<ChannelWriter<TValue>> Subscribers = [];
        public readonly CancellationTokenSource Stop = new();
        public bool HasValue;
        public TValue Latest = default!;
    }

    private readonly Lock gate = new();
    private readonly Dictionary<TKey, Feed> feeds = [];

    /// <summary>Keys being read now (for tests and diagnostics).</summary>
    public int ActiveFeeds
    {
        get { lock (gate) return feeds.Count; }
    }

    public async IAsyncEnumerable<TValue> SubscribeAsync(TKey key, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var channel = Channel.CreateBounded<TValue>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        Feed feed;
        lock (gate)
        {
            if (!feeds.TryGetValue(key, out feed!))
            {
                feed = new Feed();
                feeds[key] = feed;
                _ = Task.Run(() => ReadAsync(key, feed));
            }
            feed.Subscribers.Add(channel.Writer);
            if (feed.HasValue) channel.Writer.TryWrite(feed.Latest);
        }
        try
        {
            await foreach (TValue value in channel.Reader.ReadAllAsync(cancellation)) yield return value;
        }
        finally
        {
            lock (gate)
            {
                feed.Subscribers.Remove(channel.Writer);
                if (feed.Subscribers.Count == 0)
                {
                    feeds.Remove(key);
                    feed.Stop.Cancel();
                }
            }
        }
    }

    private async Task ReadAsync(TKey key, Feed feed)
    {
        while (!feed.Stop.IsCancellationRequested)
        {
            // Periods run start to start, and the next one has begun before anyone hears of this read's outcome.
            Task wait = Task.Delay(period, clock, feed.Stop.Token);
            try
            {
                TValue value = await read(key);
                lock (gate)
                {
                    feed.Latest = value;
                    feed.HasValue = true;
                    foreach (var subscriber in feed.Subscribers) subscriber.TryWrite(value);
                }
            }
            catch (Exception e)
            {
                // The next period tries again; a page keeps showing the last value meanwhile.
                logger.LogWarning(e, "Reading {Key} for the live status failed", key);
            }
            try
            {
                await wait;
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        feed.Stop.Dispose();
    }
}
