using MusicCluster.Grains.Interfaces.Live;

namespace MusicCluster.Grains.Interfaces.Scoring;

/// <summary>
/// Scores a set of pieces (an upload batch, or the whole library after a promotion) with progress, spread over silos.
/// The progress is a live value (<see cref="ScoringJobWatch"/>; null while no job has this key).
/// </summary>
public interface IScoringJobGrain : IGrainWithGuidKey, ILiveValueSource<ScoringJobProgress?>
{
    Task<ScoringJobProgress> StartAsync(ScoringJobRequest request);

    /// <summary>Progress, or null when no job was started with this key.</summary>
    Task<ScoringJobProgress?> GetAsync();

    Task CancelAsync();
}
