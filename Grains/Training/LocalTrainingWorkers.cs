using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace MusicCluster.Grains.Training;

/// <summary>
/// The training workers of this silo. When the silo stops (SIGTERM, Ctrl-C) every worker is asked to stop in the
/// Active stage, before grains are deactivated: each finishes its step and writes a checkpoint, all at once, and the
/// run resumes from it on another silo. Their grains then deactivate and record what the workers left.
/// </summary>
public sealed class LocalTrainingWorkers(ILogger<LocalTrainingWorkers> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly ConcurrentDictionary<TrainingWorker, byte> workers = new();

    public void Add(TrainingWorker worker)
    {
        workers[worker] = 0;
        _ = worker.Completion.ContinueWith(_ => workers.TryRemove(worker, out byte _), TaskScheduler.Default);
    }

    public int Count => workers.Count;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(LocalTrainingWorkers), ServiceLifecycleStage.Active, _ => Task.CompletedTask, StopAllAsync);

    private async Task StopAllAsync(CancellationToken cancellationToken)
    {
        var running = workers.Keys.ToList();
        if (running.Count == 0) return;
        logger.LogInformation("Silo stopping: checkpointing {Count} training run(s)", running.Count);
        foreach (var worker in running) worker.RequestStop(WorkerStopReason.Shutdown);
        try
        {
            await Task.WhenAll(running.Select(w => w.Completion)).WaitAsync(cancellationToken);
            logger.LogInformation("Training runs checkpointed: {Runs}", string.Join(", ", running.Select(w => w.RunId)));
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("Silo stop timed out before every training run checkpointed; they resume from their previous checkpoint");
        }
    }
}
