using Microsoft.AspNetCore.SignalR;
using MusicCluster.Client.Services;
using MusicCluster.Grains.Interfaces.Training;

namespace MusicCluster.Client.Hubs;

/// <summary>
/// /hubs/training: live training views. WatchRun joins a run's group and returns what the page has not seen yet;
/// from then on the <see cref="TrainingLiveRelay"/> pushes "update" messages (new metrics, log lines, the run) to the
/// group. Runs streams the list of runs as the index announces its changes (<see cref="StatusRelays.TrainingRuns"/>: one
/// watch for all browsers of this web host).
/// </summary>
internal sealed class TrainingHub(TrainingService training, TrainingLiveRelay relay, StatusRelays relays) : Hub
{
    public sealed record CatchUp(TrainingRunSnapshot? Run, IReadOnlyList<TrainingMetricsPoint> Metrics, IReadOnlyList<TrainingLogLine> Log);

    public static string GroupOf(string runId) => $"run:{runId}";

    public async Task<CatchUp> WatchRun(string runId, long fromStep, long fromLine)
    {
        if (!TrainingService.IsValidId(runId)) throw new HubException($"'{runId}' is not a run id");
        var run = await training.GetAsync(runId) ?? throw new HubException($"No training run '{runId}'");
        // Join first, then read: whatever the relay pushes after joining comes as updates, the rest is here (the page drops repeats).
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(runId));
        await relay.WatchAsync(Context.ConnectionId, runId);
        var metrics = await training.GetMetricsAsync(runId, Math.Max(0, fromStep));
        var log = await training.GetLogAsync(runId, Math.Max(0, fromLine));
        return new CatchUp(run, metrics, log);
    }

    /// <summary>The same list GET /api/training-runs returns, now and then whenever a run in it changes.</summary>
    public IAsyncEnumerable<IReadOnlyList<TrainingRunSummary>> Runs(CancellationToken cancellation) =>
        relays.TrainingRuns.SubscribeAsync(0, cancellation);

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        relay.Forget(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}
