namespace MusicCluster.Grains.Interfaces.Training;

/// <summary>Receives a run's new metrics and log lines as they happen (about twice a second while it trains).</summary>
public interface ITrainingRunObserver : IGrainObserver
{
    Task OnUpdateAsync(TrainingRunUpdate update);
}
