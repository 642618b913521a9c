namespace MusicCluster.Grains.Cluster;

/// <summary>Keys of the metadata each silo publishes through membership (Orleans silo metadata).</summary>
public static class SiloMetadataKeys
{
    /// <summary>How many accelerators (GPUs) the silo offers to training runs; "0" for CPU-only silos.</summary>
    public const string Accelerators = "musiccluster.accelerators";
}
