using MusicCluster.Grains.Interfaces.Training;

namespace MusicCluster.Grains.Training;

[GenerateSerializer]
public sealed class TrainingRunIndexState
{
    [Id(0)] public Dictionary<string, TrainingRunSummary> Runs { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Queued run ids, first in line first.</summary>
    [Id(1)] public List<string> Queue { get; set; } = [];
}
