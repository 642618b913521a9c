using Microsoft.Extensions.Logging;
using MusicCluster.Grains.Interfaces.Cluster;
using MusicCluster.Grains.Interfaces.Live;
using MusicCluster.Grains.Live;

namespace MusicCluster.Grains.Cluster;

/// <summary>
/// The one sampler of the cluster view for every web host (key 0). The view is a sample by nature: membership,
/// runtime and grain statistics are read from the management grain, and nothing announces a change of them, so
/// instead of each web host reading it on a timer, this grain samples it (through the <see cref="ClusterOverviewGrain"/>
/// on its own silo) and pushes each sample as a live value, the one way pages are kept current
/// (<see cref="LiveValueGrain{T}"/>). It samples every <see cref="SamplePeriod"/> only while it has observers (its
/// timer stops at the first tick that finds none), and at once on every membership change, so a silo joining, leaving
/// or dying shows without waiting for the timer; a hundred cluster pages on ten web hosts cost one sample per period.
/// GET /api/cluster still asks the overview grain directly: it answers on any silo, also while this grain's silo is
/// being declared dead.
/// </summary>
public sealed class ClusterViewGrain(IClusterMembershipService membership, ILogger<ClusterViewGrain> logger) : LiveValueGrain<ClusterSnapshot>, IClusterViewGrain
{
    /// <summary>How often the view is sampled while someone follows it.</summary>
    public static readonly TimeSpan SamplePeriod = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource stop = new();
    private IGrainTimer? sampling;
    private Task? firstSample;
    private DateTimeOffset lastTaken = DateTimeOffset.MinValue;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _ = FollowMembershipAsync(stop.Token);
        return base.OnActivateAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await stop.CancelAsync();
        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    /// <summary>Nothing is sampled until asked: a placeholder that <see cref="GetLiveAsync"/> never hands out.</summary>
    protected override ClusterSnapshot ReadValue() => new([], DateTimeOffset.MinValue);

    /// <summary>The latest sample (one taken now if none was yet), with sampling on while there are observers.</summary>
    public override async Task<Versioned<ClusterSnapshot>> GetLiveAsync()
    {
        // Every watcher reads right after it subscribes (and after each renewal): the timer starts with the first.
        sampling ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(SamplePeriod, SamplePeriod) { Interleave = false });
        if (firstSample is null || firstSample.IsFaulted) firstSample = SampleAsync();
        await firstSample;
        return await base.GetLiveAsync();
    }

    private async Task TickAsync()
    {
        if (HasObservers)
        {
            await SampleAsync();
            return;
        }
        sampling?.Dispose();
        sampling = null;
    }

    private async Task FollowMembershipAsync(CancellationToken cancellation)
    {
        try
        {
            await foreach (ClusterMembershipSnapshot _ in membership.MembershipUpdates.WithCancellation(cancellation))
                if (HasObservers) await SampleAsync();
        }
        catch (OperationCanceledException)
        {
            // The activation is going.
        }
        catch (Exception e)
        {
            // The timer still samples; only the immediate sample on a membership change is lost.
            logger.LogWarning(e, "Following membership changes for the cluster view failed");
        }
    }

    /// <summary>Takes a sample on this silo; observers hear it unless a newer one came first.</summary>
    private async Task SampleAsync()
    {
        ClusterSnapshot snapshot = await GrainFactory.GetGrain<IClusterOverviewGrain>(0).GetSnapshotAsync();
        if (snapshot.TakenAt <= lastTaken) return;
        lastTaken = snapshot.TakenAt;
        _ = PublishAsync(snapshot);
    }
}
