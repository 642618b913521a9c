using Microsoft.Extensions.Logging;
using MusicCluster.Grains.Interfaces.Live;

namespace MusicCluster.Grains.Interfaces.Training;

/// <summary>Follows the list of training runs (<see cref="ValueWatch{T}"/>): the index announces every change of a run in it.</summary>
public sealed class TrainingRunListWatch(IGrainFactory grains, Func<IReadOnlyList<TrainingRunSummary>, Task> deliver, TimeProvider? clock = null,
    ILogger? logger = null) : ValueWatch<IReadOnlyList<TrainingRunSummary>>(grains, grains.GetGrain<ITrainingRunIndexGrain>(0), "training run list", deliver, clock, logger);
