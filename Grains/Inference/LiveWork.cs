namespace MusicCluster.Grains.Inference;

/// <summary>
/// How much live work (generation sessions, scores asked for by a user) this silo's inference engine has in hand,
/// across all its models: background work that runs outside the engine (the starter library's own generator)
/// waits here until it is none, so it never competes with live sessions for the cores. One per silo.
/// </summary>
public sealed class LiveWork
{
    private readonly Lock gate = new();
    private readonly ManualResetEventSlim idle = new(initialState: true);
    private int inHand;

    /// <summary>Live items posted and not yet finished.</summary>
    public int InHand
    {
        get { lock (gate) return inHand; }
    }

    internal void Begin()
    {
        lock (gate)
            if (inHand++ == 0) idle.Reset();
    }

    internal void End()
    {
        lock (gate)
            if (--inHand == 0) idle.Set();
    }

    /// <summary>Blocks the calling (background) thread until no live work is in hand.</summary>
    public void WaitUntilIdle(CancellationToken cancellation) => idle.Wait(cancellation);
}
