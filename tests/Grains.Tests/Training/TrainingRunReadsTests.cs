using Microsoft.Extensions.DependencyInjection;
using MusicCluster.Grains.Interfaces.Training;
using MusicCluster.Grains.Training;
using MusicCluster.Music.Storage;

namespace MusicCluster.Grains.Tests.Training;

/// <summary>A run's reads interleave: they answer while a pause waits for the trainer's checkpoint.</summary>
public sealed class TrainingRunReadsTests
{
    private static readonly TimeSpan ReadAnswers = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Reads_answer_while_a_pause_waits_for_its_checkpoint_and_the_paused_status_comes_with_its_line()
    {
        var settings = EmbeddedClientSettings.CreateFresh();
        var blobs = new HeldCheckpointStore(new LocalFolderBlobStore(settings.DataPath));
        var configuration = new Dictionary<string, string?>
        {
            ["MusicCluster:MaxRunsPerSilo"] = "1",
            ["MusicCluster:Training:SupervisePeriodSeconds"] = "0.5",
        };
        await using var silo = await TestSilo.StartAsync(configuration, settings.DataPath,
            services => services.AddSingleton<IBlobStore>(blobs));
        var started = await silo.Index().StartRunAsync(TinyRuns.Request(mleSteps: TinyRuns.OutlastsTheTest, checkpointEvery: 0));
        var run = silo.Run(started.RunId);
        await run.WaitAsync(s => s.Step >= 2, "the run trains");

        // The pause's checkpoint is held back: the pause waits for it, and reads must still answer.
        blobs.Hold();
        Task<TrainingRunSnapshot> pausing = run.PauseAsync();
        await blobs.Held.WaitAsync(TinyRuns.Deadline);
        var during = await run.GetAsync().WaitAsync(ReadAnswers);
        Assert.Equal(TrainingRunStatus.Running, during!.Status);
        Assert.NotEmpty(await run.GetMetricsAsync(0).WaitAsync(ReadAnswers));
        Assert.DoesNotContain((await run.GetLogAsync(0).WaitAsync(ReadAnswers)).Select(l => l.Text), t => t.StartsWith("paused", StringComparison.Ordinal));
        Assert.False(pausing.IsCompleted);

        blobs.Release();
        var paused = await pausing.WaitAsync(TinyRuns.Deadline);
        Assert.Equal(TrainingRunStatus.Paused, paused.Status);
        Assert.Contains((await run.GetLogAsync(0)).Select(l => l.Text), t => t.StartsWith("paused", StringComparison.Ordinal));
        Assert.Contains("paused", await blobs.ReadAllTextAsync(RunJournal.BlobOf(started.RunId))); // in log.jsonl before the status changed
        await run.StopAsync();
    }

    /// <summary>A blob store that, once told to, holds back checkpoint writes (.ckpt) until released.</summary>
    private sealed class HeldCheckpointStore(IBlobStore inner) : IBlobStore
    {
        private readonly TaskCompletionSource held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool holding;

        public Task Held => held.Task;
        public void Hold() => holding = true;
        public void Release() => released.TrySetResult();

        public async Task<BlobInfo> WriteAsync(string name, Stream content, CancellationToken cancellationToken = default)
        {
            if (holding && name.EndsWith(".ckpt", StringComparison.Ordinal))
            {
                held.TrySetResult();
                await released.Task.WaitAsync(cancellationToken);
            }
            return await inner.WriteAsync(name, content, cancellationToken);
        }

        public string Description => inner.Description;
        public StorageHealth Health => inner.Health;
        public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default) => inner.OpenReadAsync(name, cancellationToken);
        public Task<BlobInfo?> GetInfoAsync(string name, CancellationToken cancellationToken = default) => inner.GetInfoAsync(name, cancellationToken);
        public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default) => inner.DeleteAsync(name, cancellationToken);
        public IAsyncEnumerable<BlobInfo> ListAsync(string prefix = "", CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);
    }
}
