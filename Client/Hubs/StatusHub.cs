using MusicCluster.Grains.Interfaces.Cluster;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.SignalR;
using MusicCluster.Client.Endpoints;
using MusicCluster.Client.Services;
using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Grains.Interfaces.Scoring;

namespace MusicCluster.Client.Hubs;

/// <summary>
/// /hubs/status: live views of state that changes without a grain to observe — the cluster's silos, the starter
/// library's seeding and a scoring job's progress — as server-to-client streams. The hub reads the grains every
/// <see cref="Period"/> and sends a value only when it changed (the cluster every time: its timestamp moves), so
/// a page holds one connection instead of polling the API; a stream ends when its work is over or the page leaves.
/// </summary>
internal sealed class StatusHub(ClusterService cluster, LibraryService library, ScoringService scoring, TimeProvider clock) : Hub
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(2);

    /// <summary>The same value GET /api/cluster returns, now and then every period.</summary>
    public async IAsyncEnumerable<ClusterSnapshot> Cluster([EnumeratorCancellation] CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            yield return await cluster.GetSnapshotAsync();
            await Task.Delay(Period, clock, cancellation);
        }
    }

    /// <summary>The same value GET /api/library/seeding returns, whenever it changes, until seeding is no longer running.</summary>
    public async IAsyncEnumerable<LibraryEndpoints.SeedingView> Seeding([EnumeratorCancellation] CancellationToken cancellation)
    {
        SeedingProgress? last = null;
        while (!cancellation.IsCancellationRequested)
        {
            SeedingProgress now = await library.GetSeedingAsync();
            if (now != last) yield return LibraryEndpoints.ToView(now);
            if (now.Status != SeedingStatus.Running) yield break;
            last = now;
            await Task.Delay(Period, clock, cancellation);
        }
    }

    /// <summary>A scoring job's progress whenever it changes, until it has ended; nothing when there is no such job.</summary>
    public async IAsyncEnumerable<ScoringJobProgress> ScoringJob(Guid jobId, [EnumeratorCancellation] CancellationToken cancellation)
    {
        ScoringJobProgress? last = null;
        while (!cancellation.IsCancellationRequested)
        {
            ScoringJobProgress? now = await scoring.GetJobAsync(jobId);
            if (now is null) yield break;
            if (now != last) yield return now;
            if (now.Status is not (ScoringJobStatus.Pending or ScoringJobStatus.Running)) yield break;
            last = now;
            await Task.Delay(Period, clock, cancellation);
        }
    }
}
