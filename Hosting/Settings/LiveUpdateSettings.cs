using Microsoft.Extensions.Configuration;

namespace MusicCluster.Hosting;

/// <summary>
/// How long a grain keeps a live-view observer that has not renewed its subscription
/// (MusicCluster:Live:ObserverExpirySeconds, default 300), and how often watchers renew (a third of that, so one lost
/// renewal does not lose the observer). Silos and web hosts of one cluster must agree on it.
/// </summary>
public sealed record LiveUpdateSettings(TimeSpan ObserverExpiry)
{
    public const string SectionName = "MusicCluster:Live";

    public TimeSpan Renewal => ObserverExpiry / 3;

    /// <summary>The clock observer expiry is measured on: the system's, or a test's fake one (the rest of the silo keeps real time).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public static LiveUpdateSettings From(IConfiguration configuration) =>
        new(TimeSpan.FromSeconds(configuration.GetSection(SectionName).ReadInteger("ObserverExpirySeconds", 300, 3, 86_400)));
}
