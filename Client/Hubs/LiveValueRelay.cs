using System.Runtime.CompilerServices;
using System.Threading.Channels;
using MusicCluster.Grains.Interfaces.Live;
using MusicCluster.Hosting;

namespace MusicCluster.Client.Hubs;

/// <summary>
/// Streams a grain's live value (<see cref="ValueWatch{T}"/>) to the browsers of this web host: one watch per key
/// however many streams follow it (<see cref="SharedWatches{TKey, TWatch}"/>), its values handed to every stream of
/// that key in the order the watch hands them on. A new stream gets the value now at once (the watch's latest, or
/// its catch-up read when it is the first); a stream that falls more than <see cref="Backlog"/> values behind skips
/// the oldest (each value is the whole state, so the newest says all). Streams end when the watched work has ended
/// (after its last value) or the web host stops. A watch that cannot start (the cluster unreachable) is tried again
/// every <see cref="Retry"/> while the stream is open.
/// </summary>
internal sealed class LiveValueRelay<TKey, TValue> : IAsyncDisposable
    where TKey : notnull
{
    public const int Backlog = 16;

    public static readonly TimeSpan Retry = TimeSpan.FromSeconds(2);

    /// <summary>One key's watch and the streams it feeds.</summary>
    private sealed class Feed : IAsyncDisposable
    {
        private readonly Lock gate = new();
        private readonly List<ChannelWriter<TValue>> streams = [];
        private bool hasLatest;
        private bool closed;
        private TValue latest = default!;

        public ValueWatch<TValue> Watch { get; set; } = null!;

        public Task SendAsync(TValue value)
        {
            lock (gate)
            {
                (latest, hasLatest) = (value, true);
                foreach (ChannelWriter<TValue> stream in streams) stream.TryWrite(value);
            }
            return Task.CompletedTask;
        }

        public void Add(ChannelWriter<TValue> stream)
        {
            lock (gate)
            {
                if (hasLatest) stream.TryWrite(latest);
                if (closed) stream.TryComplete();
                else streams.Add(stream);
            }
        }

        public void Remove(ChannelWriter<TValue> stream)
        {
            lock (gate) streams.Remove(stream);
        }

        public async ValueTask DisposeAsync()
        {
            await Watch.DisposeAsync();
            lock (gate)
            {
                closed = true;
                foreach (ChannelWriter<TValue> stream in streams) stream.TryComplete();
                streams.Clear();
            }
        }
    }

    private readonly Func<TKey, Func<TValue, Task>, ValueWatch<TValue>> create;
    private readonly LiveUpdateSettings live;
    private readonly TimeProvider clock;
    private readonly ILogger logger;
    private readonly SharedWatches<TKey, Feed> feeds;

    /// <param name="create">Makes the key's watch (not opened yet), handing its values to the given function.</param>
    public LiveValueRelay(Func<TKey, Func<TValue, Task>, ValueWatch<TValue>> create, LiveUpdateSettings live, TimeProvider clock, ILogger logger)
    {
        this.create = create;
        this.live = live;
        this.clock = clock;
        this.logger = logger;
        feeds = new SharedWatches<TKey, Feed>(feed => feed.Watch.Completion, logger);
    }

    /// <summary>Keys followed now (tests and diagnostics).</summary>
    public int Watched => feeds.Count;

    /// <summary>The value now, then each change, until the watched work has ended or <paramref name="cancellation"/> fires.</summary>
    public async IAsyncEnumerable<TValue> SubscribeAsync(TKey key, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var stream = Channel.CreateBounded<TValue>(new BoundedChannelOptions(Backlog) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        Feed feed = await HoldAsync(key, stream.Writer, cancellation);
        try
        {
            feed.Add(stream.Writer);
            await foreach (TValue value in stream.Reader.ReadAllAsync(cancellation)) yield return value;
        }
        finally
        {
            feed.Remove(stream.Writer);
            feeds.Release(key, stream.Writer);
        }
    }

    private async Task<Feed> HoldAsync(TKey key, object holder, CancellationToken cancellation)
    {
        while (true)
        {
            try
            {
                return await feeds.HoldAsync(key, holder, StartAsync);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Following {Key} live failed; trying again in {Retry}", key, Retry);
                await Task.Delay(Retry, clock, cancellation);
            }
        }
    }

    private async Task<Feed> StartAsync(TKey key)
    {
        var feed = new Feed();
        feed.Watch = create(key, feed.SendAsync);
        try
        {
            await feed.Watch.OpenAsync(live.Renewal);
        }
        catch
        {
            await feed.Watch.DisposeAsync();
            throw;
        }
        return feed;
    }

    public ValueTask DisposeAsync() => feeds.DisposeAsync();
}
