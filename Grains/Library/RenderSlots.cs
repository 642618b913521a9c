namespace MusicCluster.Grains.Library;

/// <summary>
/// The renders and analyses of stored pieces this silo runs at once, at most <see cref="RenderLimits.ConcurrentRenders"/>.
/// Each is bounded in time and size; this bounds their number, so a burst of requests for uncached renders cannot take
/// every core of the silo from generation and training. A request beyond the limit is refused at once (the API answers
/// 503 with Retry-After) rather than queued: a queue would only move the wait into the client's time-out.
/// </summary>
public sealed class RenderSlots(RenderLimits limits)
{
    private readonly SemaphoreSlim slots = new(limits.ConcurrentRenders, limits.ConcurrentRenders);

    public int Capacity => limits.ConcurrentRenders;

    /// <summary>Renders and analyses running now.</summary>
    public int InUse => Capacity - slots.CurrentCount;

    /// <summary>A slot, given back when the returned value is disposed (once, however often it is disposed); null when all are taken.</summary>
    public IDisposable? TryTake() => slots.Wait(0) ? new Slot(slots) : null;

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) slots.Release();
        }
    }
}
