using MusicCluster.Grains.Interfaces.Cluster;
using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Grains.Interfaces.Scoring;
using MusicCluster.Grains.Interfaces.Training;
using MusicCluster.Hosting;

namespace MusicCluster.Client.Hubs;

/// <summary>
/// The live values the status pages follow (<see cref="StatusHub"/>, and the training page's list of runs,
/// <see cref="TrainingHub.Runs"/>): the cluster view, the starter library's seeding, scoring jobs and the list of
/// runs, each pushed by its grain and relayed to every stream of this web host by one watch per key. A hosted
/// service, so the watches close before the cluster client does.
/// </summary>
internal sealed class StatusRelays(IClusterClient cluster, LiveUpdateSettings live, TimeProvider clock, ILogger<StatusRelays> logger) : IHostedService
{
    public LiveValueRelay<int, ClusterSnapshot> Cluster { get; } =
        new((_, send) => new ClusterWatch(cluster, send, clock, logger), live, clock, logger);

    public LiveValueRelay<int, SeedingProgress> Seeding { get; } =
        new((_, send) => new SeedingWatch(cluster, send, clock, logger), live, clock, logger);

    public LiveValueRelay<Guid, ScoringJobProgress?> ScoringJobs { get; } =
        new((job, send) => new ScoringJobWatch(cluster, job, send, clock, logger), live, clock, logger);

    public LiveValueRelay<int, IReadOnlyList<TrainingRunSummary>> TrainingRuns { get; } =
        new((_, send) => new TrainingRunListWatch(cluster, send, clock, logger), live, clock, logger);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await Cluster.DisposeAsync();
        await Seeding.DisposeAsync();
        await ScoringJobs.DisposeAsync();
        await TrainingRuns.DisposeAsync();
    }
}
