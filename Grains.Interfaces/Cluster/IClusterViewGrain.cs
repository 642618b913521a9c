using MusicCluster.Grains.Interfaces.Live;

namespace MusicCluster.Grains.Interfaces.Cluster;

/// <summary>
/// The cluster view as a live value (key 0; <see cref="ClusterWatch"/>). Membership and activation counts are a sample
/// by nature (nothing announces them), so this one grain samples for every web host: every <c>SamplePeriod</c> while
/// it has observers and at once on every membership change, and pushes each sample. The samples are
/// <see cref="IClusterOverviewGrain"/>'s, taken on this grain's silo.
/// </summary>
public interface IClusterViewGrain : IGrainWithIntegerKey, ILiveValueSource<ClusterSnapshot>
{
}
