namespace MusicCluster.Grains.Interfaces;

/// <summary>Names of the Orleans providers every silo registers; grains refer to them through these constants only.</summary>
public static class StorageNames
{
    /// <summary>The grain state storage: local folder store in embedded mode, Azure Blob in cluster mode.</summary>
    public const string GrainState = "musiccluster";
}
