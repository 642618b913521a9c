namespace MusicCluster.Grains.Interfaces.Generation;

/// <summary>
/// One generation (key: session id): samples tokens step by step through the silo's inference engine, turns them
/// into notes and per-bar live scores, pushes them to subscribers, and stores the finished piece in the library.
/// </summary>
public interface IGenerationSessionGrain : IGrainWithGuidKey
{
    /// <summary>Starts the session (once; a second start with the same key returns the snapshot). Throws ArgumentException naming a bad field.</summary>
    Task<GenerationSnapshot> StartAsync(GenerationRequest request);

    /// <summary>The session as it stands, or null when none was started with this key.</summary>
    Task<GenerationSnapshot?> GetAsync();

    Task CancelAsync();

    /// <summary>
    /// From now on, updates go to the observer, each call awaited before the next update, until it unsubscribes or
    /// its subscription expires (MusicCluster:Live:ObserverExpirySeconds after the last subscribe; subscribing again
    /// renews it). <see cref="GenerationWatch"/> does the renewing and the catching up.
    /// </summary>
    Task SubscribeAsync(IGenerationObserver observer);

    /// <summary>
    /// Every update numbered after <paramref name="afterSequence"/>, in order: the catch-up read of a watcher that
    /// missed some. A session whose silo stopped while it ran tells its end as the update after the last one asked about.
    /// </summary>
    Task<IReadOnlyList<GenerationUpdate>> GetUpdatesAsync(long afterSequence);

    Task UnsubscribeAsync(IGenerationObserver observer);
}
