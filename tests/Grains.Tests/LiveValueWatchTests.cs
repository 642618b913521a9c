using System.Collections.Concurrent;
using MusicCluster.Grains.Interfaces.Cluster;
using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Grains.Interfaces.Live;
using MusicCluster.Grains.Interfaces.Scoring;
using MusicCluster.Grains.Interfaces.Training;
using MusicCluster.Grains.Tests.Training;

namespace MusicCluster.Grains.Tests;

/// <summary>
/// The live values (<see cref="ValueWatch{T}"/>) the status pages follow, on the silo whose observer expiry runs on a
/// fake clock: a new watcher gets the value now before its watch opens; a watch renewed across expiry periods hears
/// every change once, in order; one whose observer expired hands on the value now, once, at its next renewal; the
/// cluster view is sampled by its grain for every watcher alike. (Seeding: <see cref="LibrarySeederTests"/>; a silo
/// that stops: <see cref="LiveWatchAcrossSilosTests"/>.)
/// </summary>
[Collection(LiveSiloCollection.Name)]
public sealed class LiveValueWatchTests(LiveSiloFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(180);

    private IGrainFactory Grains => fixture.Silo.Grains;

    private static TrainingRunSummary? RunIn(IReadOnlyList<TrainingRunSummary> runs, string runId) => runs.FirstOrDefault(r => r.RunId == runId);

    [Fact]
    public async Task The_run_list_watch_renewed_across_three_expiry_periods_hears_every_change_of_a_run_once_in_order()
    {
        var received = new ValueRecorder<IReadOnlyList<TrainingRunSummary>>();
        await using TrainingRunListWatch watch = await received.OpenAsync(send => new TrainingRunListWatch(Grains, send, fixture.Clock), fixture.Live.Renewal);
        // The catch-up read: the list as it is, handed on before the watch opened.
        Assert.Equal((await Grains.GetGrain<ITrainingRunIndexGrain>(0).ListAsync()).Select(r => r.RunId), Assert.Single(received.Values).Value.Select(r => r.RunId));
        for (int i = 0; i < 9; i++) await fixture.Clock.RenewAsync(watch, fixture.Live.Renewal, Deadline);

        TrainingRunSnapshot started = await Grains.GetGrain<ITrainingRunIndexGrain>(0).StartRunAsync(TinyRuns.Request(mleSteps: 10));
        await received.WaitForAsync(runs => RunIn(runs, started.RunId)?.Status == TrainingRunStatus.Completed, Deadline, "the list showed the run completed");

        IReadOnlyList<TrainingRunSummary>[] lists = received.EveryChangeInOrder();
        TrainingRunSummary[] run = lists.Select(l => RunIn(l, started.RunId)).OfType<TrainingRunSummary>().ToArray();
        Assert.True(run.Length >= 2, "the run's start and end came as separate changes");
        Assert.Equal(run.Select(r => r.Step).Order(), run.Select(r => r.Step));
        Assert.Equal(run.Select(r => r.UpdatedAt).Order(), run.Select(r => r.UpdatedAt));
        Assert.Equal((TrainingRunStatus.Completed, 10), (run[^1].Status, run[^1].Step));
        Assert.Equal(0, watch.CatchUps);
    }

    [Fact]
    public async Task An_expired_observer_misses_changes_and_the_next_renewal_hands_on_the_list_now_once()
    {
        var received = new ValueRecorder<IReadOnlyList<TrainingRunSummary>>();
        // Renewing only every 60 s lets the 30 s expiry pass first.
        TimeSpan renewal = fixture.Live.ObserverExpiry * 2;
        await using TrainingRunListWatch watch = await received.OpenAsync(send => new TrainingRunListWatch(Grains, send, fixture.Clock), renewal);
        fixture.Clock.Advance(fixture.Live.ObserverExpiry + TimeSpan.FromSeconds(1));

        var index = Grains.GetGrain<ITrainingRunIndexGrain>(0);
        TrainingRunSnapshot started = await index.StartRunAsync(TinyRuns.Request(mleSteps: 5));
        await Poll.UntilAsync(index.ListAsync, runs => RunIn(runs, started.RunId)?.Status == TrainingRunStatus.Completed, Deadline, "the index has the run completed");
        Assert.Single(received.Values);

        await fixture.Clock.RenewAsync(watch, renewal - fixture.Live.ObserverExpiry, Deadline);
        var values = received.Values;
        Assert.Equal(2, values.Count);
        Assert.True(values[1].Version > values[0].Version);
        Assert.Equal(TrainingRunStatus.Completed, RunIn(values[1].Value, started.RunId)?.Status);
        Assert.Equal(1, watch.CatchUps);
    }

    [Fact]
    public async Task A_scoring_job_announces_every_change_once_in_order_and_a_new_watcher_gets_its_progress_at_once()
    {
        var job = Grains.GetGrain<IScoringJobGrain>(Guid.NewGuid());
        var heard = new ConcurrentQueue<Versioned<ScoringJobProgress?>>();
        var observer = new Observer<ScoringJobProgress?>(heard);
        var reference = Grains.CreateObjectReference<ILiveValueObserver<ScoringJobProgress?>>(observer);
        await job.SubscribeAsync(reference);
        // Pieces that are not there fail fast: five slices of progress without scoring anything.
        string[] missing = Enumerable.Range(0, 5 * 8).Select(i => $"not-there-{i}").ToArray();
        await job.StartAsync(new ScoringJobRequest(missing));
        ScoringJobProgress end = (await Poll.UntilAsync(job.GetAsync, p => p!.Status == ScoringJobStatus.Completed, Deadline, "the job ended"))!;
        await Poll.UntilAsync(() => Task.FromResult(heard.Count), _ => heard.Last().Value?.Status == ScoringJobStatus.Completed, Deadline, "the end was heard");
        await job.UnsubscribeAsync(reference);
        Grains.DeleteObjectReference<ILiveValueObserver<ScoringJobProgress?>>(reference);

        Versioned<ScoringJobProgress?>[] changes = [.. heard];
        Assert.Equal(Enumerable.Range(0, changes.Length).Select(i => changes[0].Version + i), changes.Select(c => c.Version));
        Assert.Equal(ScoringJobStatus.Running, changes[0].Value!.Status);
        Assert.Equal(changes.Select(c => c.Value!.Failed).Order(), changes.Select(c => c.Value!.Failed));
        Assert.True(changes.Length >= 3, "the job's progress came in steps");
        Assert.Equal(end, changes[^1].Value);
        Assert.Equal((40, 0, 40), (end.Total, end.Done, end.Failed));

        var received = new ValueRecorder<ScoringJobProgress?>();
        await using ScoringJobWatch watch = await received.OpenAsync(send => new ScoringJobWatch(Grains, end.JobId, send, fixture.Clock), fixture.Live.Renewal);
        Assert.Equal(end, Assert.Single(received.Values).Value);
        // A job that has ended has nothing more to say: the watch is over as soon as it opened.
        Assert.True(watch.Completion.IsCompleted);
    }

    [Fact]
    public async Task The_cluster_view_is_sampled_by_its_grain_and_every_watcher_gets_the_same_samples_in_order()
    {
        var first = new ValueRecorder<ClusterSnapshot>();
        await using ClusterWatch one = await first.OpenAsync(send => new ClusterWatch(Grains, send, fixture.Clock), fixture.Live.Renewal);
        // A sample was handed on before the watch opened (more may follow at any time from then on).
        ClusterSnapshot now = Assert.IsType<ClusterSnapshot>(first.Values[0].Value);
        Assert.Single(now.Silos);
        var second = new ValueRecorder<ClusterSnapshot>();
        await using ClusterWatch two = await second.OpenAsync(send => new ClusterWatch(Grains, send, fixture.Clock), fixture.Live.Renewal);
        Assert.NotEmpty(second.Values);

        // The grain samples every two seconds while it has observers and pushes each sample to both.
        await Poll.UntilAsync(() => Task.FromResult(second.Values.Count), n => n >= 4, Deadline, "samples came");
        ClusterSnapshot[] firstSamples = first.EveryChangeInOrder();
        ClusterSnapshot[] secondSamples = second.EveryChangeInOrder();
        Assert.Equal(firstSamples.Select(s => s.TakenAt).Order(), firstSamples.Select(s => s.TakenAt));
        Assert.Subset(firstSamples.Select(s => s.TakenAt).ToHashSet(), secondSamples.Skip(1).Select(s => s.TakenAt).ToHashSet());
        Assert.All(secondSamples, s => Assert.Equal(now.Silos.Select(x => x.Address), s.Silos.Select(x => x.Address)));
    }

    private sealed class Observer<T>(ConcurrentQueue<Versioned<T>> heard) : ILiveValueObserver<T>
    {
        public Task OnChangedAsync(Versioned<T> change)
        {
            heard.Enqueue(change);
            return Task.CompletedTask;
        }
    }
}
