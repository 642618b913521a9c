using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MusicCluster.Client.Hubs;

namespace MusicCluster.Client.Tests;

/// <summary>The status hub's shared reader: one read per period for all subscribers of a key, none without any.</summary>
public sealed class SharedPollTests
{
    [Fact]
    public async Task Subscribers_of_one_key_share_one_read_per_period_and_reading_stops_with_the_last()
    {
        var clock = new FakeTimeProvider();
        int reads = 0;
        var poll = new SharedPoll<string, int>(_ => Task.FromResult(Interlocked.Increment(ref reads)), TimeSpan.FromSeconds(2), clock, NullLogger.Instance);
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // a broken poll fails the test instead of hanging it

        var first = poll.SubscribeAsync("cluster", guard.Token).GetAsyncEnumerator();
        Assert.True(await first.MoveNextAsync());
        Assert.Equal(1, first.Current);
        var second = poll.SubscribeAsync("cluster", guard.Token).GetAsyncEnumerator();
        Assert.True(await second.MoveNextAsync());
        Assert.Equal(1, second.Current); // the latest value at once, without a read of its own
        Assert.Equal(1, reads);

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.True(await first.MoveNextAsync());
        Assert.True(await second.MoveNextAsync());
        Assert.Equal((2, 2), (first.Current, second.Current));
        Assert.Equal(2, reads);

        var other = poll.SubscribeAsync("another key", guard.Token).GetAsyncEnumerator();
        Assert.True(await other.MoveNextAsync());
        Assert.Equal(3, other.Current);
        Assert.Equal(2, poll.ActiveFeeds);

        await first.DisposeAsync();
        Assert.Equal(2, poll.ActiveFeeds);
        await second.DisposeAsync();
        await other.DisposeAsync();
        Assert.Equal(0, poll.ActiveFeeds);
    }

    [Fact]
    public async Task A_failed_read_is_tried_again_next_period()
    {
        var clock = new FakeTimeProvider();
        int reads = 0;
        var poll = new SharedPoll<int, int>(_ => ++reads == 1 ? throw new InvalidOperationException("silo unreachable") : Task.FromResult(reads),
            TimeSpan.FromSeconds(2), clock, NullLogger.Instance);
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var subscriber = poll.SubscribeAsync(0, guard.Token).GetAsyncEnumerator();
        ValueTask<bool> next = subscriber.MoveNextAsync();
        // Poll (with the guard as deadline) until the failing first read has happened; its period began before it.
        while (Volatile.Read(ref reads) < 1) await Task.Delay(1, guard.Token);
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.True(await next);
        Assert.Equal(2, subscriber.Current);
        await subscriber.DisposeAsync();
    }
}
