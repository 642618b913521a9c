namespace MusicCluster.Grains.Training;

/// <summary>A worker's grain was placed on another silo than the one its run chose; nothing was loaded.</summary>
public sealed class WorkerPlacementException(string message) : Exception(message);
