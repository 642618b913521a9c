using System.Collections.Concurrent;
using MusicCluster.Grains.Interfaces.Models;

namespace MusicCluster.Grains.Inference;

/// <summary>
/// The silo's inference engine (a singleton): one loaded copy of each model, each with its own
/// <see cref="ModelWorker"/> thread, shared by every generation session and scorer on this silo.
/// </summary>
public sealed class InferenceEngine(ModelLoader loader, InferenceOptions options, LiveWork liveWork) : IDisposable
{
    public InferenceEngine(ModelLoader loader, InferenceOptions options) : this(loader, options, new LiveWork())
    {
    }

    /// <summary>The live work in hand across this engine's models (background work outside the engine waits on it).</summary>
    public LiveWork LiveWork => liveWork;

    private readonly ConcurrentDictionary<ModelRef, Lazy<Task<ModelWorker>>> workers = new();
    private bool disposed;

    /// <summary>The worker of a model, loading it (off the caller's thread) on first use. A failed load is retried by the next call.</summary>
    public Task<ModelWorker> GetAsync(ModelRef model)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var lazy = workers.GetOrAdd(model, m => new Lazy<Task<ModelWorker>>(() => Task.Run(async () =>
        {
            return new ModelWorker(await loader.LoadAsync(m), options.MaxBatch, liveWork, options.TorchThreads);
        })));
        var task = lazy.Value;
        // A failed load is forgotten, so a checkpoint written later (or a transient storage error) loads on a later call.
        task.ContinueWith(_ => workers.TryRemove(new KeyValuePair<ModelRef, Lazy<Task<ModelWorker>>>(model, lazy)),
            CancellationToken.None, TaskContinuationOptions.NotOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    /// <summary>What each loaded model's worker has run so far.</summary>
    public IReadOnlyList<InferenceStatistics> Statistics() =>
        workers.Values.Where(l => l.IsValueCreated && l.Value.IsCompletedSuccessfully).Select(l => l.Value.Result.Statistics).ToList();

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        foreach (var lazy in workers.Values)
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully) lazy.Value.Result.Dispose();
    }
}
