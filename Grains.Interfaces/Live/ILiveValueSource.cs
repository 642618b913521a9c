using Orleans.Concurrency;

namespace MusicCluster.Grains.Interfaces.Live;

/// <summary>
/// A grain whose value (a progress, a list, a sample) can be followed live: observers hear every change, each call
/// awaited before the next change, until they unsubscribe or their subscription expires
/// (MusicCluster:Live:ObserverExpirySeconds after the last subscribe; subscribing again renews it).
/// </summary>
public interface ILiveValueSource<T> : IGrain
{
    Task SubscribeAsync(ILiveValueObserver<T> observer);

    Task UnsubscribeAsync(ILiveValueObserver<T> observer);

    /// <summary>The value now with its version: the catch-up read of a new watcher and of every renewal.</summary>
    [ReadOnly, AlwaysInterleave]
    Task<Versioned<T>> GetLiveAsync();
}

/// <summary>Hears each change of an <see cref="ILiveValueSource{T}"/>.</summary>
public interface ILiveValueObserver<T> : IGrainObserver
{
    Task OnChangedAsync(Versioned<T> change);
}
