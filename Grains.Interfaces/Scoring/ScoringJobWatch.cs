using Microsoft.Extensions.Logging;
using MusicCluster.Grains.Interfaces.Live;

namespace MusicCluster.Grains.Interfaces.Scoring;

/// <summary>
/// Follows a scoring job's progress (<see cref="ValueWatch{T}"/>): null while no job has that key; ends once the
/// job is over, or when there is none.
/// </summary>
public sealed class ScoringJobWatch(IGrainFactory grains, Guid jobId, Func<ScoringJobProgress?, Task> deliver, TimeProvider? clock = null,
    ILogger? logger = null) : ValueWatch<ScoringJobProgress?>(grains, grains.GetGrain<IScoringJobGrain>(jobId), $"scoring job {jobId}", deliver, clock, logger)
{
    protected override bool Ends(ScoringJobProgress? value) => value?.Status is not (ScoringJobStatus.Pending or ScoringJobStatus.Running);
}
