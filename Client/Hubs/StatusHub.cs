using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.SignalR;
using MusicCluster.Client.Endpoints;
using MusicCluster.Grains.Interfaces.Cluster;
using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Grains.Interfaces.Scoring;

namespace MusicCluster.Client.Hubs;

/// <summary>
/// /hubs/status: live views of the cluster's silos, the starter library's seeding and a scoring job's progress, as
/// server-to-client streams. Each value is pushed by its grain (the cluster view by the view grain, which samples
/// while anyone follows it) and relayed by <see cref="StatusRelays"/>, one watch per view for all connections of this
/// web host; a stream sends the value now, then each change, and ends when its work is over or the page leaves.
/// </summary>
internal sealed class StatusHub(StatusRelays relays) : Hub
{
    /// <summary>The same value GET /api/cluster returns, now and then with every sample.</summary>
    public IAsyncEnumerable<ClusterSnapshot> Cluster(CancellationToken cancellation) => relays.Cluster.SubscribeAsync(0, cancellation);

    /// <summary>The same value GET /api/library/seeding returns, now and whenever it changes, until seeding is no longer running.</summary>
    public async IAsyncEnumerable<LibraryEndpoints.SeedingView> Seeding([EnumeratorCancellation] CancellationToken cancellation)
    {
        await foreach (SeedingProgress now in relays.Seeding.SubscribeAsync(0, cancellation))
        {
            yield return LibraryEndpoints.ToView(now);
            if (now.Status != SeedingStatus.Running) yield break;
        }
    }

    /// <summary>A scoring job's progress, now and whenever it changes, until it has ended; nothing when there is no such job.</summary>
    public async IAsyncEnumerable<ScoringJobProgress> ScoringJob(Guid jobId, [EnumeratorCancellation] CancellationToken cancellation)
    {
        await foreach (ScoringJobProgress? now in relays.ScoringJobs.SubscribeAsync(jobId, cancellation))
        {
            if (now is null) yield break;
            yield return now;
            if (now.Status is not (ScoringJobStatus.Pending or ScoringJobStatus.Running)) yield break;
        }
    }
}
