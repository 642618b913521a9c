namespace MusicCluster.Grains.Library;

/// <summary>
/// The time limit of one render or analysis: a token the work sees between its steps, cancelled at the limit, and
/// <see cref="Passed"/> for the caller after the work. The token's timer fires on the thread pool, so on a busy pool it
/// can fire late and the work finish past its limit uncancelled (seen in a clean-clone test run: a 1,000-bar render
/// came back whole under a 10-ms limit); checking the elapsed time too keeps such a result from being served or kept.
/// </summary>
internal sealed class WorkDeadline(TimeSpan limit, TimeProvider clock) : IDisposable
{
    private readonly CancellationTokenSource source = new(limit, clock);
    private readonly long started = clock.GetTimestamp();

    public CancellationToken Token => source.Token;

    /// <summary>Whether the limit has passed: the token was cancelled, or the time is up though its timer has not run yet.</summary>
    public bool Passed => source.IsCancellationRequested || clock.GetElapsedTime(started) > limit;

    public void Dispose() => source.Dispose();
}
