using MusicCluster.Grains.Interfaces.Cluster;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.SignalR;
using MusicCluster.Client.Endpoints;
using MusicCluster.Client.Services;
using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Grains.Interfaces.Scoring;
using MusicCluster.Grains.Interfaces.Training;

namespace MusicCluster.Client.Hubs;

/// <summary>
/// /hubs/status: live views of state that no grain announces — the cluster's silos, the starter library's seeding and
/// a scoring job's progress — as server-to-client streams. <see cref="StatusFeeds"/> reads each once every
/// <see cref="StatusFeeds.Period"/> for all connections of this web host together; a stream sends a value only when
/// it changed (the cluster every time: its timestamp moves), so a page holds one connection instead of polling the
/// API; a stream ends when its work is over or the page leaves.
/// </summary>
internal sealed class StatusHub(StatusFeeds feeds) : Hub
{
    /// <summary>The same value GET /api/cluster returns, now and then every period.</summary>
    public IAsyncEnumerable<ClusterSnapshot> Cluster(CancellationToken cancellation) => feeds.Cluster.SubscribeAsync(0, cancellation);

    /// <summary>The same value GET /api/library/seeding returns, whenever it changes, until seeding is no longer running.</summary>
    public async IAsyncEnumerable<LibraryEndpoints.SeedingView> Seeding([EnumeratorCancellation] CancellationToken cancellation)
    {
        SeedingProgress? last = null;
        await foreach (SeedingProgress now in feeds.Seeding.SubscribeAsync(0, cancellation))
        {
            if (now != last) yield return LibraryEndpoints.ToView(now);
            if (now.Status != SeedingStatus.Running) yield break;
            last = now;
        }
    }

    /// <summary>A scoring job's progress whenever it changes, until it has ended; nothing when there is no such job.</summary>
    public async IAsyncEnumerable<ScoringJobProgress> ScoringJob(Guid jobId, [EnumeratorCancellation] CancellationToken cancellation)
    {
        ScoringJobProgress? last = null;
        await foreach (ScoringJobProgress? now in feeds.ScoringJobs.SubscribeAsync(jobId, cancellation))
        {
            if (now is null) yield break;
            if (now != last) yield return now;
            if (now.Status is not (ScoringJobStatus.Pending or ScoringJobStatus.Running)) yield break;
            last = now;
        }
    }
}

/// <summary>
/// The periodic reads behind the live views that have no grain observer (<see cref="StatusHub"/>, and the training
/// page's list of runs, <see cref="TrainingHub.Runs"/>): one reader per kind of state (and per scoring job) for the
/// whole web host, running only while a browser follows it. Each is a read by nature, not an event: the cluster view
/// samples membership and activation counts (the management grain's, which no grain announces), and seeding, a
/// scoring job and the run list are each one small grain read, cheaper read every two seconds for all browsers than
/// an observer per grain. The services they read through are scoped, so each read takes a scope of its own.
/// </summary>
internal sealed class StatusFeeds(IServiceScopeFactory scopes, TimeProvider clock, ILogger<StatusFeeds> logger)
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(2);

    public SharedPoll<int, ClusterSnapshot> Cluster { get; } =
        new(_ => ReadAsync<ClusterService, ClusterSnapshot>(scopes, s => s.GetSnapshotAsync()), Period, clock, logger);

    public SharedPoll<int, SeedingProgress> Seeding { get; } =
        new(_ => ReadAsync<LibraryService, SeedingProgress>(scopes, s => s.GetSeedingAsync()), Period, clock, logger);

    public SharedPoll<Guid, ScoringJobProgress?> ScoringJobs { get; } =
        new(id => ReadAsync<ScoringService, ScoringJobProgress?>(scopes, s => s.GetJobAsync(id)), Period, clock, logger);

    public SharedPoll<int, IReadOnlyList<TrainingRunSummary>> TrainingRuns { get; } =
        new(_ => ReadAsync<TrainingService, IReadOnlyList<TrainingRunSummary>>(scopes, s => s.ListAsync()), Period, clock, logger);

    private static async Task<TValue> ReadAsync<TService, TValue>(IServiceScopeFactory scopes, Func<TService, Task<TValue>> read)
        where TService : notnull
    {
        await using var scope = scopes.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<TService>());
    }
}
