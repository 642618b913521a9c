using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MusicCluster.Grains.Interfaces.Live;

/// <summary>
/// Follows one grain's live value (see <see cref="LiveWatch"/>): hands on the value as it is when the watch opens
/// (the catch-up read), then each change once, in version order; a change no newer than the last one handed on is
/// skipped. A renewal whose subscribe tells it the observer was off the grain's list (it expired, a call to it failed,
/// or the grain moved) reads the value again and hands it on. The value is a state, not an event: a change missed
/// while the observer was gone is covered by the value after it. Subclasses say which grain, and when the watched work
/// has ended (<see cref="Ends"/>).
/// </summary>
public abstract class ValueWatch<T> : LiveWatch, ILiveValueObserver<T>
{
    private readonly IGrainFactory grains;
    private readonly ILiveValueSource<T> source;
    private readonly Func<T, Task> deliver;
    private readonly string name;
    private ILiveValueObserver<T>? reference;
    private bool heardEveryChange;

    /// <param name="deliver">Gets the value now and then each change, one at a time, in order, none twice.</param>
    protected ValueWatch(IGrainFactory grains, ILiveValueSource<T> source, string name, Func<T, Task> deliver, TimeProvider? clock, ILogger? logger)
        : base(clock ?? TimeProvider.System, logger ?? NullLogger.Instance)
    {
        this.grains = grains;
        this.source = source;
        this.name = name;
        this.deliver = deliver;
    }

    /// <summary>The version of the value being handed on, or of the last one (0: none yet).</summary>
    public long Version { get; private set; }

    /// <summary>
    /// Subscribes and hands on the value as it is now (so, once this returns, the consumer has it), then follows
    /// changes and renews every <paramref name="renewal"/> (shorter than the silos' observer expiry).
    /// </summary>
    public async Task OpenAsync(TimeSpan renewal)
    {
        reference = grains.CreateObjectReference<ILiveValueObserver<T>>(this);
        await StartAsync(renewal);
    }

    /// <summary>Whether the watched work is over with this value (the watch then ends); never, by default.</summary>
    protected virtual bool Ends(T value) => false;

    Task ILiveValueObserver<T>.OnChangedAsync(Versioned<T> change)
    {
        Enqueue(() => HandOnAsync(change, caughtUp: false));
        return Task.CompletedTask;
    }

    protected override async Task SubscribeAsync() => heardEveryChange = await source.SubscribeAsync(reference!);

    protected override async Task UnsubscribeAsync()
    {
        try
        {
            await source.UnsubscribeAsync(reference!);
        }
        finally
        {
            grains.DeleteObjectReference<ILiveValueObserver<T>>(reference!);
        }
    }

    protected override async Task CatchUpAsync()
    {
        // A read answers with the value now, while changes before it may still be on their way to this observer (the
        // grain sends them one observer at a time): handed on first, it would make them look old and they would be
        // skipped. So a renewal reads only when the grain says this observer missed changes.
        if (heardEveryChange) return;
        await HandOnAsync(await source.GetLiveAsync(), caughtUp: true);
    }

    private async Task HandOnAsync(Versioned<T> change, bool caughtUp)
    {
        // A pushed change must be newer than the last; a read value is the grain's word on now, so it counts also
        // when its number is lower (a new activation on a silo whose clock is behind).
        if (Completion.IsCompleted || change.Version == Version || !caughtUp && change.Version < Version) return;
        if (caughtUp && Version != 0) CatchUps++;
        Version = change.Version;
        await deliver(change.Value);
        if (Ends(change.Value)) End();
    }

    public override string ToString() => name;
}
