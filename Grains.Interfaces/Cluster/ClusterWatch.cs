using Microsoft.Extensions.Logging;
using MusicCluster.Grains.Interfaces.Live;

namespace MusicCluster.Grains.Interfaces.Cluster;

/// <summary>
/// Follows the cluster view (<see cref="ValueWatch{T}"/>): the view grain samples membership and activation
/// counts while it has observers and pushes each sample (<see cref="IClusterViewGrain"/>).
/// </summary>
public sealed class ClusterWatch(IGrainFactory grains, Func<ClusterSnapshot, Task> deliver, TimeProvider? clock = null, ILogger? logger = null)
    : ValueWatch<ClusterSnapshot>(grains, grains.GetGrain<IClusterViewGrain>(0), "cluster view", deliver, clock, logger);
