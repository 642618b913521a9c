using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace MusicCluster.Grains.Interfaces.Live;

/// <summary>
/// The one way a process outside a grain follows it live: a grain observer (this object) that the grain calls,
/// awaiting each call, with every update; renewed every <c>renewal</c> (before the grain's observer expiry) by
/// subscribing again, and, after each renewal, a catch-up read of what the observer missed. The renewal reaches the
/// grain wherever it is activated now, so a watch survives an observer expiry and a grain that moved or restarted;
/// the catch-up fills what was lost in between. Updates, renewals and catch-ups run one at a time, in arrival
/// order, on one loop, and a subclass hands each update on once (sequence numbers or step/line numbers), so the
/// consumer sees every update once and in order. The grain's call returns as soon as the update is queued: a slow
/// consumer never holds the grain.
/// </summary>
public abstract class LiveWatch : IAsyncDisposable
{
    private readonly Channel<Func<Task>> work = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeProvider clock;
    private ITimer? timer;
    private Task loop = Task.CompletedTask;
    private int renewals;

    protected LiveWatch(TimeProvider clock, ILogger logger)
    {
        this.clock = clock;
        Logger = logger;
    }

    protected ILogger Logger { get; }

    /// <summary>Completes once the watched work has ended (its last update handed on) or the watch is disposed.</summary>
    public Task Completion => ended.Task;

    /// <summary>Renewals done so far (tests wait on it).</summary>
    public int Renewals => Volatile.Read(ref renewals);

    /// <summary>Times a renewal found updates the observer had missed and handed them on.</summary>
    public int CatchUps { get; protected set; }

    /// <summary>
    /// Subscribes, hands on what came after the subclass's cursor (so, once this returns, everything up to now has been
    /// handed on), then follows updates and renews every <paramref name="renewal"/>.
    /// </summary>
    protected async Task StartAsync(TimeSpan renewal)
    {
        await SubscribeAsync();
        await CatchUpAsync();
        loop = Task.Run(RunAsync);
        lock (work)
        {
            // Work that had ended already (its end was in the catch-up) needs no renewing.
            if (!Completion.IsCompleted) timer = clock.CreateTimer(_ => Enqueue(RenewAsync), null, renewal, renewal);
        }
    }

    /// <summary>Queues an update (or other work) behind what is already queued.</summary>
    protected void Enqueue(Func<Task> item) => work.Writer.TryWrite(item);

    /// <summary>Subscribes this observer to the grain (again): the grain renews an existing subscription.</summary>
    protected abstract Task SubscribeAsync();

    /// <summary>Best effort: tells the grain to forget this observer.</summary>
    protected abstract Task UnsubscribeAsync();

    /// <summary>Reads what came after the cursor from the grain and hands it on.</summary>
    protected abstract Task CatchUpAsync();

    /// <summary>Called by a subclass once it handed on the last update of finished work.</summary>
    protected void End()
    {
        lock (work) timer?.Dispose();
        work.Writer.TryComplete();
        ended.TrySetResult();
    }

    private async Task RenewAsync()
    {
        try
        {
            await SubscribeAsync();
            await CatchUpAsync();
        }
        catch (Exception e)
        {
            // The grain may be moving: the next renewal reaches it where it is then.
            Logger.LogWarning(e, "Renewing the live watch {Watch} failed", this);
        }
        Interlocked.Increment(ref renewals);
    }

    private async Task RunAsync()
    {
        await foreach (Func<Task> item in work.Reader.ReadAllAsync())
        {
            try
            {
                await item();
            }
            catch (Exception e)
            {
                Logger.LogWarning(e, "The live watch {Watch} could not hand on an update", this);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        End();
        await loop;
        try
        {
            await UnsubscribeAsync();
        }
        catch (Exception e)
        {
            Logger.LogDebug(e, "Unsubscribing the live watch {Watch} failed", this);
        }
        GC.SuppressFinalize(this);
    }
}
