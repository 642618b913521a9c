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

    /// <summary>From now on, updates go to the observer until it unsubscribes or the session ends (read GetAsync first for what came before).</summary>
    Task SubscribeAsync(IGenerationObserver observer);

    Task UnsubscribeAsync(IGenerationObserver observer);
}
