using System.Collections.Concurrent;

namespace MusicCluster.Grains.Training;

/// <summary>
/// One dedicated thread that runs a data-parallel worker's model, one piece of work at a time (a step takes from
/// milliseconds to seconds of CPU; grains must not block, and a model must stay on one thread). Work posted after
/// <see cref="Dispose"/> fails with <see cref="ObjectDisposedException"/>.
/// </summary>
public sealed class ShardThread : IDisposable
{
    private readonly BlockingCollection<Action> inbox = new();

    public ShardThread(string name)
    {
        var thread = new Thread(() =>
        {
            foreach (var work in inbox.GetConsumingEnumerable()) work();
        })
        { IsBackground = true, Name = name };
        thread.Start();
    }

    public Task<T> RunAsync<T>(Func<T> work)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            inbox.Add(() =>
            {
                try { result.SetResult(work()); }
                catch (Exception e) { result.SetException(e); }
            });
        }
        catch (InvalidOperationException)
        {
            throw new ObjectDisposedException(nameof(ShardThread), "the worker's thread has stopped");
        }
        return result.Task;
    }

    public void Dispose() => inbox.CompleteAdding();
}
