namespace MusicCluster.Grains.Interfaces.Generation;

/// <summary>Receives a session's updates as they happen (a SignalR hub relays them to browsers).</summary>
public interface IGenerationObserver : IGrainObserver
{
    Task OnUpdateAsync(GenerationUpdate update);
}
