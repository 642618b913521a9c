using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace MusicCluster.Grains.Live;

/// <summary>
/// The observer list of a grain with a live view: observers expire after <see cref="LiveUpdateSettings.ObserverExpiry"/>
/// on <see cref="LiveUpdateSettings.Clock"/> unless their watcher renews them (Grains.Interfaces' LiveWatch).
/// </summary>
internal static class LiveObservers
{
    public static ObserverManager<T> Create<T>(LiveUpdateSettings settings, ILogger logger) =>
        new(settings.ObserverExpiry, logger) { GetDateTime = () => settings.Clock.GetUtcNow().UtcDateTime };

    /// <summary>
    /// Subscribes or renews <paramref name="observer"/>; true when it was on the list already. ObserverManager.Notify
    /// sends to a copy of the list and, as it ends, drops the observers it skipped as expired and those whose call
    /// failed: an observer still on the list has heard, or is being sent, every update since its last subscribe, or is
    /// about to be dropped, and then its next renewal finds it off the list.
    /// </summary>
    public static bool Renew<T>(this ObserverManager<T> observers, T observer) where T : IAddressable
    {
        bool wasSubscribed = observers.Observers.ContainsKey(observer);
        observers.Subscribe(observer, observer);
        return wasSubscribed;
    }
}
