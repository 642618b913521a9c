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
}
