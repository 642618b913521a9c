using System.Collections.Concurrent;
using MusicCluster.Grains.Interfaces.Training;

namespace MusicCluster.Grains.Tests.Training;

public sealed class TrainingObserverTests
{
    private sealed class Recorder : ITrainingRunObserver
    {
        public ConcurrentQueue<TrainingRunUpdate> Updates { get; } = new();

        public Task OnUpdateAsync(TrainingRunUpdate update)
        {
            Updates.Enqueue(update);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task A_subscribed_observer_hears_every_step_and_log_line_as_they_happen()
    {
        await using var silo = await TrainingSilo.StartAsync();
        var started = await silo.Index().StartRunAsync(TinyRuns.Request(mleSteps: 12, checkpointEvery: 6));
        var run = silo.Run(started.RunId);
        var recorder = new Recorder();
        var reference = silo.Grains.CreateObjectReference<ITrainingRunObserver>(recorder);
        await run.SubscribeAsync(reference);

        await run.WaitAsync(s => s.Status == TrainingRunStatus.Completed, "run completes");
        // The completion update follows the state change: wait for it instead of guessing.
        await Poll.UntilAsync(() => Task.FromResult(recorder.Updates.ToList()), u => u.Any(x => x.Run.Status == TrainingRunStatus.Completed), TinyRuns.Deadline,
            "completion heard");
        var updates = recorder.Updates.ToList();
        var heardSteps = updates.SelectMany(u => u.Metrics).Select(m => m.Step).ToList();
        var allSteps = (await run.GetMetricsAsync(0)).Select(m => m.Step).ToList();
        // Subscribed after the start: every step from the first one heard on, each once and in order.
        Assert.NotEmpty(heardSteps);
        Assert.Equal(allSteps.SkipWhile(s => s < heardSteps[0]), heardSteps);
        var heardLines = updates.SelectMany(u => u.Log).Select(l => l.Number).ToList();
        Assert.Equal(heardLines.Distinct().Order(), heardLines);
        Assert.Contains(updates.SelectMany(u => u.Log), l => l.Text.StartsWith("completed at step 12", StringComparison.Ordinal));
        await run.UnsubscribeAsync(reference);
    }
}
