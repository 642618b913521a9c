using Orleans.Concurrency;

namespace MusicCluster.Grains.Interfaces.Live;

/// <summary>
/// A grain whose value (a progress, a list, a sample) can be followed live: observers hear every change, each call
/// awaited before the next change, until they unsubscribe or their subscription expires
/// (MusicCluster:Live:ObserverExpirySeconds after the last subscribe; subscribing again renews it).
/// </summary>
public interface ILiveValueSource<T> : IGrain
{
    /// <summary>
    /// Subscribes the observer, or renews its subscription; true when it was subscribed already and so has heard, or is
    /// being sent, every change since (false: new, expired, or dropped after a failed call, so it may have missed some).
    /// </summary>
    Task<bool> SubscribeAsync(ILiveValueObserver<T> observer);

    Task UnsubscribeAsync(ILiveValueObserver<T> observer);

    /// <summary>The value now with its version: the catch-up read of a new watcher and of a renewal that missed changes.</summary>
    [ReadOnly, AlwaysInterleave]
    Task<Versioned<T>> GetLiveAsync();
}

/// <summary>Hears each change of an <see cref="ILiveValueSource{T}"/>.</summary>
public interface ILiveValueObserver<T> : IGrainObserver
{
    Task OnChangedAsync(Versioned<T> change);
}
