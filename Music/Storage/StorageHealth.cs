namespace MusicCluster.Music.Storage;

/// <summary>How a store answered lately, as <see cref="StorageHealth"/> saw it.</summary>
public enum StorageState
{
    /// <summary>The last operation succeeded (or none has run yet).</summary>
    Reachable,
    /// <summary>An operation failed with a fault that can pass and is being retried with backoff.</summary>
    Retrying,
    /// <summary>An operation spent its retry budget and was given up; nothing has succeeded since.</summary>
    Unreachable,
    /// <summary>A write was refused for lack of space and nothing has been written since.</summary>
    Full,
}

/// <summary>A snapshot of <see cref="StorageHealth"/>: the state, since when, the last problem and how many retries ran.</summary>
public sealed record StorageHealthReport(string Store, StorageState State, DateTimeOffset? Since, string? LastProblem, long Retries, long GivenUp);

/// <summary>
/// What one process's blob store has been going through, for the cluster page and logs: every retry, give-up and
/// refused write moves it away from <see cref="StorageState.Reachable"/>, the next success moves it back. Thread-safe.
/// </summary>
public sealed class StorageHealth(string store)
{
    private readonly Lock _lock = new();
    private StorageState _state = StorageState.Reachable;
    private DateTimeOffset? _since;
    private string? _lastProblem;
    private long _retries, _givenUp;

    public StorageHealthReport Report()
    {
        lock (_lock) return new StorageHealthReport(store, _state, _since, _lastProblem, _retries, _givenUp);
    }

    internal void Succeeded(DateTimeOffset now) => Move(StorageState.Reachable, now, problem: null);

    internal void Retrying(DateTimeOffset now, string problem)
    {
        Interlocked.Increment(ref _retries);
        Move(StorageState.Retrying, now, problem);
    }

    internal void GaveUp(DateTimeOffset now, string problem)
    {
        Interlocked.Increment(ref _givenUp);
        Move(StorageState.Unreachable, now, problem);
    }

    internal void Full(DateTimeOffset now, string problem) => Move(StorageState.Full, now, problem);

    private void Move(StorageState state, DateTimeOffset now, string? problem)
    {
        lock (_lock)
        {
            if (state == StorageState.Reachable && _state == StorageState.Reachable) return;
            if (_state != state) _since = now;
            _state = state;
            if (problem is not null) _lastProblem = problem;
        }
    }
}
