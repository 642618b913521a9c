using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MusicCluster.Grains.Interfaces.Live;
using MusicCluster.Hosting;
using Orleans.Utilities;

namespace MusicCluster.Grains.Live;

/// <summary>
/// A grain with a live value (<see cref="ILiveValueSource{T}"/>): <see cref="PublishAsync"/> makes a new value the
/// current one, numbered above the last, and sends it to every observer, awaiting each call, after every change
/// before it (a chain on the grain's scheduler: changes never overtake each other, and a grain turn that publishes need
/// not wait for the observers). An activation numbers on from the time it started
/// (<see cref="Versioned{T}"/>). The observer list takes its expiry from the silo's <see cref="LiveUpdateSettings"/>.
/// </summary>
public abstract class LiveValueGrain<T> : Grain, ILiveValueSource<T>
{
    private ObserverManager<ILiveValueObserver<T>>? observerList;
    private ILogger? log;
    private Versioned<T>? current;
    private Task sending = Task.CompletedTask;

    /// <summary>The value as this grain's state says now: the first value of an activation.</summary>
    protected abstract T ReadValue();

    /// <summary>Tells a change from a repeat of the current value (by default, equality).</summary>
    protected virtual IEqualityComparer<T> Comparer => EqualityComparer<T>.Default;

    private ILogger Log => log ??= ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(GetType());

    private ObserverManager<ILiveValueObserver<T>> Observers =>
        observerList ??= LiveObservers.Create<ILiveValueObserver<T>>(ServiceProvider.GetRequiredService<LiveUpdateSettings>(), Log);

    /// <summary>Whether anyone follows the value (expired observers dropped first).</summary>
    protected bool HasObservers
    {
        get
        {
            Observers.ClearExpired();
            return Observers.Count > 0;
        }
    }

    private Versioned<T> Current => current ??= new Versioned<T>(ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow().UtcTicks, ReadValue());

    /// <summary>Takes the activation's first value from its state, before any change (subclasses call this base).</summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _ = Current;
        return base.OnActivateAsync(cancellationToken);
    }

    public Task<bool> SubscribeAsync(ILiveValueObserver<T> observer) => Task.FromResult(Observers.Renew(observer));

    public Task UnsubscribeAsync(ILiveValueObserver<T> observer)
    {
        Observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public virtual Task<Versioned<T>> GetLiveAsync() => Task.FromResult(Current);

    /// <summary>Makes <paramref name="value"/> the current value unless it equals it; completes once every observer has heard it.</summary>
    protected Task PublishAsync(T value)
    {
        Versioned<T> before = Current;
        if (Comparer.Equals(value, before.Value)) return sending;
        var change = new Versioned<T>(before.Version + 1, value);
        current = change;
        sending = SendAfterAsync(sending, change);
        return sending;
    }

    private async Task SendAfterAsync(Task previous, Versioned<T> change)
    {
        await previous;
        try
        {
            // An observer that fails or has expired is dropped: its watcher reads the value when it renews.
            if (Observers.Count > 0) await Observers.Notify(o => o.OnChangedAsync(change));
        }
        catch (Exception e)
        {
            Log.LogWarning(e, "Sending version {Version} of {Grain}'s live value failed", change.Version, GetType().Name);
        }
    }
}
