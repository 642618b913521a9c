using System.Globalization;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace MusicCluster.Grains.Cluster;

/// <summary>Keys of the metadata each silo publishes through membership (Orleans silo metadata), and how to read them.</summary>
public static class SiloMetadataKeys
{
    /// <summary>How many accelerators (GPUs) the silo offers to training runs; "0" for CPU-only silos.</summary>
    public const string Accelerators = "musiccluster.accelerators";

    /// <summary>An integer a silo published under <paramref name="key"/>, or <paramref name="fallback"/> when it published none (or no integer).</summary>
    public static int ReadInt(this ISiloMetadataCache metadata, SiloAddress silo, string key, int fallback) =>
        metadata.GetSiloMetadata(silo).Metadata.TryGetValue(key, out string? value)
        && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int parsed) ? parsed : fallback;
}
