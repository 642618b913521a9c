using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using MusicCluster.Grains.Interfaces.Live;

namespace MusicCluster.Grains.Tests;

/// <summary>Helpers for tests of live watches on a fake observer-expiry clock.</summary>
public static class LiveClock
{
    /// <summary>Moves the fake clock by <paramref name="by"/> and waits until the watch has renewed (or ended: then it renews no more).</summary>
    public static async Task RenewAsync(this FakeTimeProvider clock, LiveWatch watch, TimeSpan by, TimeSpan deadline)
    {
        int before = watch.Renewals;
        clock.Advance(by);
        await Poll.UntilAsync(() => Task.FromResult(watch.Renewals > before || watch.Completion.IsCompleted), done => done, deadline, "the watch renewed");
    }
}

/// <summary>What a <see cref="ValueWatch{T}"/> handed on, each value with its version.</summary>
public sealed class ValueRecorder<T>
{
    private readonly ConcurrentQueue<(long Version, T Value)> values = new();
    private ValueWatch<T>? watch;

    public IReadOnlyList<(long Version, T Value)> Values => values.ToArray();

    /// <summary>Makes the watch with this recorder as its consumer and opens it.</summary>
    public async Task<TWatch> OpenAsync<TWatch>(Func<Func<T, Task>, TWatch> create, TimeSpan renewal) where TWatch : ValueWatch<T>
    {
        TWatch made = create(TakeAsync);
        watch = made;
        await made.OpenAsync(renewal);
        return made;
    }

    private Task TakeAsync(T value)
    {
        values.Enqueue((watch!.Version, value));
        return Task.CompletedTask;
    }

    /// <summary>Waits until the last value handed on meets the condition.</summary>
    public async Task<T> WaitForAsync(Func<T, bool> condition, TimeSpan deadline, string what)
    {
        var last = await Poll.UntilAsync(() => Task.FromResult(Values.Count == 0 ? null : Tuple.Create(Values[^1].Value)), v => v is not null && condition(v.Item1),
            deadline, what);
        return last!.Item1;
    }

    /// <summary>The values, after checking each change came once and in order: versions one apart, none missed or twice.</summary>
    public T[] EveryChangeInOrder()
    {
        var all = Values;
        Assert.NotEmpty(all);
        Assert.Equal(Enumerable.Range(0, all.Count).Select(i => all[0].Version + i), all.Select(v => v.Version));
        return all.Select(v => v.Value).ToArray();
    }
}
