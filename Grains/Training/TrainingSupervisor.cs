using Microsoft.Extensions.Logging;
using MusicCluster.Grains.Interfaces.Training;

namespace MusicCluster.Grains.Training;

/// <summary>
/// Every silo asks the training index to supervise every few seconds (from the Active stage until the silo stops).
/// That is what brings a run back after its silo died: the index (itself re-activated on a living silo if need be)
/// re-places it. An equivalent of a reminder that needs no reminder service and works with every clustering kind.
/// </summary>
public sealed class TrainingSupervisor(IGrainFactory grains, TimeSpan period, ILogger<TrainingSupervisor> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private CancellationTokenSource? stopping;
    private Task? loop;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(TrainingSupervisor), ServiceLifecycleStage.Active, StartAsync, StopAsync);

    private Task StartAsync(CancellationToken cancellationToken)
    {
        stopping = new CancellationTokenSource();
        loop = Task.Run(() => RunAsync(stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        if (stopping is null || loop is null) return;
        await stopping.CancelAsync();
        try { await loop.WaitAsync(cancellationToken); }
        catch (OperationCanceledException) { }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(period);
        while (await WaitAsync(timer, cancellationToken))
        {
            try
            {
                await grains.GetGrain<ITrainingRunIndexGrain>(0).SuperviseAsync().WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The index may be moving after a silo failure: the next tick tries again.
                logger.LogDebug(e, "Training supervision failed; retrying in {Period}", period);
            }
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try { return await timer.WaitForNextTickAsync(cancellationToken); }
        catch (OperationCanceledException) { return false; }
    }
}
