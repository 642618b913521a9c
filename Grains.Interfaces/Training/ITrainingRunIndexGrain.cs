using MusicCluster.Grains.Interfaces.Live;
using Orleans.Concurrency;

namespace MusicCluster.Grains.Interfaces.Training;

/// <summary>
/// The list of training runs and their scheduler (key 0): places new runs on silos with a free training slot
/// (accelerator silos first), queues the rest, and re-places runs whose silo died. Every silo's supervisor calls
/// <see cref="SuperviseAsync"/> now and then, so the index itself comes back on another silo after a failure.
/// The list of runs (<see cref="ListAsync"/>) is a live value (<see cref="TrainingRunListWatch"/>).
/// </summary>
public interface ITrainingRunIndexGrain : IGrainWithIntegerKey, ILiveValueSource<IReadOnlyList<TrainingRunSummary>>
{
    /// <summary>The datasets a run can train on.</summary>
    Task<IReadOnlyList<TrainingDatasetInfo>> GetDatasetsAsync();

    /// <summary>Every wrong field of a request (empty when it can start).</summary>
    Task<IReadOnlyList<TrainingFieldError>> ValidateAsync(TrainingRunRequest request);

    /// <summary>Creates a run and starts it on a silo with a free slot, or queues it. Throws ArgumentException naming wrong fields.</summary>
    Task<TrainingRunSnapshot> StartRunAsync(TrainingRunRequest request);

    /// <summary>Every run, newest first.</summary>
    Task<IReadOnlyList<TrainingRunSummary>> ListAsync();

    /// <summary>Runs report what changed; one-way, so a run never waits on the index (which calls runs).</summary>
    [OneWay]
    Task ReportAsync(TrainingRunSummary summary);

    /// <summary>Re-places runs whose silo left and starts queued runs when slots are free.</summary>
    Task SuperviseAsync();
}
