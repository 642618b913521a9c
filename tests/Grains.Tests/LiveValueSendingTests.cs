using MusicCluster.Grains.Interfaces.Live;
using MusicCluster.Grains.Live;

namespace MusicCluster.Grains.Tests;

/// <summary>A live number the tests set: each new value is a change sent to the observers, not awaited by the setter.</summary>
public interface ITestValueGrain : ILiveValueSource<int>, IGrainWithGuidKey
{
    Task SetAsync(int value);
}

public sealed class TestValueGrain : LiveValueGrain<int>, ITestValueGrain
{
    protected override int ReadValue() => 0;

    public Task SetAsync(int value)
    {
        // As the grains with live values do: the turn goes on while the change is sent.
        _ = PublishAsync(value);
        return Task.CompletedTask;
    }
}

/// <summary>
/// How <see cref="LiveValueGrain{T}"/> sends changes while watchers come and renew: a change still on its way to a
/// watch when the watch renews reaches it and is handed on (the renewal must not read past it), and a watcher that
/// subscribes while a change is being sent does not keep that change from the others. An observer ahead of the watch
/// on the grain's list holds each call until the test lets it go, so changes are on their way for as long as a test
/// needs.
/// </summary>
[Collection(LiveSiloCollection.Name)]
public sealed class LiveValueSendingTests(LiveSiloFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    private IGrainFactory Grains => fixture.Silo.Grains;

    /// <summary>Holds every call until <see cref="Release"/>: the grain sends to one observer at a time, so the observers after it wait too.</summary>
    private sealed class HoldingObserver : ILiveValueObserver<int>
    {
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task OnChangedAsync(Versioned<int> change) => released.Task;

        public void Release() => released.TrySetResult();
    }

    private sealed class TestValueWatch(IGrainFactory grains, Guid id, Func<int, Task> deliver, TimeProvider clock)
        : ValueWatch<int>(grains, grains.GetGrain<ITestValueGrain>(id), $"test value {id}", deliver, clock, null);

    /// <summary>A fresh grain with a holding observer first on its list (observers are sent to in the order they came).</summary>
    private async Task<(Guid Id, ITestValueGrain Grain, HoldingObserver Holding)> HeldGrainAsync()
    {
        Guid id = Guid.NewGuid();
        var grain = Grains.GetGrain<ITestValueGrain>(id);
        var holding = new HoldingObserver();
        Assert.False(await grain.SubscribeAsync(Grains.CreateObjectReference<ILiveValueObserver<int>>(holding)));
        return (id, grain, holding);
    }

    private Task<TestValueWatch> WatchAsync(Guid id, ValueRecorder<int> received) =>
        received.OpenAsync(send => new TestValueWatch(Grains, id, send, fixture.Clock), fixture.Live.Renewal);

    [Fact]
    public async Task A_watch_renewed_while_changes_are_on_their_way_to_it_hands_on_each_of_them_once_in_order()
    {
        var (id, grain, holding) = await HeldGrainAsync();
        var received = new ValueRecorder<int>();
        await using TestValueWatch watch = await WatchAsync(id, received);
        for (int value = 1; value <= 3; value++) await grain.SetAsync(value);

        // The grain's value is 3 now, yet 1, 2 and 3 are still held on their way to the watch when it renews.
        Assert.Equal(3, (await grain.GetLiveAsync()).Value);
        await fixture.Clock.RenewAsync(watch, fixture.Live.Renewal, Deadline);
        holding.Release();

        await received.WaitForAsync(value => value == 3, Deadline, "the watch handed on 3");
        Assert.Equal([0, 1, 2, 3], received.EveryChangeInOrder());
        Assert.Equal(0, watch.CatchUps);
    }

    [Fact]
    public async Task A_watcher_subscribing_while_a_change_is_being_sent_keeps_it_from_no_other_watcher()
    {
        var (id, grain, holding) = await HeldGrainAsync();
        var first = new ValueRecorder<int>();
        await using TestValueWatch one = await WatchAsync(id, first);
        await grain.SetAsync(1);

        // 1 is being sent (held at the first observer) when a second watcher subscribes.
        var second = new ValueRecorder<int>();
        await using TestValueWatch two = await WatchAsync(id, second);
        Assert.Equal(1, Assert.Single(second.Values).Value);
        holding.Release();
        await grain.SetAsync(2);

        await first.WaitForAsync(value => value == 2, Deadline, "the first watch handed on 2");
        await second.WaitForAsync(value => value == 2, Deadline, "the second watch handed on 2");
        Assert.Equal([0, 1, 2], first.EveryChangeInOrder());
        Assert.Equal([1, 2], second.EveryChangeInOrder());
    }
}
