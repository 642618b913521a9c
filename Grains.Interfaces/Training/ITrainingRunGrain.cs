using Orleans.Concurrency;

namespace MusicCluster.Grains.Interfaces.Training;

/// <summary>
/// One training run (key: run id). Trains on a dedicated thread of the silo it is placed on, checkpoints to blob
/// storage (models/{runId}/...), and resumes from its last checkpoint on another silo if its silo dies. Runs are
/// created through <see cref="ITrainingRunIndexGrain.StartRunAsync"/>, which places or queues them.
/// </summary>
public interface ITrainingRunGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts the run (once; a second start returns the snapshot). Queued: record it as waiting for a slot.
    /// Throws ArgumentException naming every wrong field.
    /// </summary>
    Task<TrainingRunSnapshot> StartAsync(TrainingRunRequest request, bool queued);

    // The reads interleave with everything (they change nothing, and the journal they read is thread-safe): a page
    // asking how a run stands is answered while a pause or stop waits for the trainer's checkpoint.

    /// <summary>The run, or null when none was started with this key.</summary>
    [AlwaysInterleave, ReadOnly]
    Task<TrainingRunSnapshot?> GetAsync();

    /// <summary>Every step's metrics from <paramref name="fromStep"/> on (at most <paramref name="max"/>).</summary>
    [AlwaysInterleave, ReadOnly]
    Task<IReadOnlyList<TrainingMetricsPoint>> GetMetricsAsync(long fromStep, int max = 10_000);

    /// <summary>Log lines numbered <paramref name="fromLine"/> and later (at most <paramref name="max"/>).</summary>
    [AlwaysInterleave, ReadOnly]
    Task<IReadOnlyList<TrainingLogLine>> GetLogAsync(long fromLine, int max = 1_000);

    /// <summary>Stops training with a checkpoint; the run keeps its slot until resumed or stopped.</summary>
    Task<TrainingRunSnapshot> PauseAsync();

    /// <summary>Continues a paused run from its last checkpoint.</summary>
    Task<TrainingRunSnapshot> ResumeAsync();

    /// <summary>Ends the run for good with a final checkpoint (or leaves the queue).</summary>
    Task<TrainingRunSnapshot> StopAsync();

    /// <summary>The generator's learning rate from the next step on (the peak of the MLE schedule, or the adversarial rate).</summary>
    Task<TrainingRunSnapshot> SetLearningRateAsync(double learningRate);

    /// <summary>
    /// The index's word that the run (Running, or Queued and now given a slot) trains on <paramref name="silo"/>:
    /// true when it trains on this activation; false when this activation is elsewhere and was told to leave, so the
    /// next call (with a placement hint) activates it there.
    /// </summary>
    Task<bool> EnsureRunningAsync(string silo);

    /// <summary>Tells a queued run its place in the queue (1-based).</summary>
    Task SetQueuePositionAsync(int position);

    Task SubscribeAsync(ITrainingRunObserver observer);

    Task UnsubscribeAsync(ITrainingRunObserver observer);
}
