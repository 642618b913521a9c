namespace MusicCluster.Music.Runtime;

/// <summary>
/// How many intra-op threads libtorch uses, one rule for every entry point (silo, CLI commands, bench):
/// an explicit count (a command's <c>--threads</c>, the silo's <c>MusicCluster:Inference:TorchThreads</c>) wins; else
/// <c>OMP_NUM_THREADS</c> when the user set it; else half the logical cores, at least one. Half, because a process
/// that runs libtorch also runs other threads that need cores (a silo's grains and its other model workers, a
/// second process beside it): libtorch's own default of one thread per core is what collapsed on the busy 2-core
/// machine (issue 15: cached generation from 360 to 24 tokens/s), and the batched steps of small models gain little
/// from more threads. OpenMP's thread count is per thread, taken from OMP_NUM_THREADS when a thread first runs
/// libtorch, so <see cref="PreferDefault"/> sets that variable before libtorch loads and every thread gets the rule;
/// <see cref="Use"/> changes the calling thread's count later. <c>doctor</c> and <c>bench</c> print <see cref="Describe"/>.
/// </summary>
public static class TorchThreads
{
    public const string Variable = "OMP_NUM_THREADS";

    private static string source = "libtorch's default (one per core)";

    /// <summary>The default count: half the logical cores, at least one.</summary>
    public static int Default => Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>
    /// Before libtorch loads: makes <paramref name="explicitCount"/> (when given and positive), else the user's
    /// OMP_NUM_THREADS, else <see cref="Default"/> the count of every thread. Returns the count in force.
    /// </summary>
    public static int PreferDefault(int? explicitCount = null)
    {
        if (explicitCount is int count && count > 0)
        {
            if (NativeEnvironment.Set(Variable, count.ToString(System.Globalization.CultureInfo.InvariantCulture))) source = "configured";
            return count;
        }
        if (NativeEnvironment.Get(Variable) is { Length: > 0 } chosen && int.TryParse(chosen, out int user) && user > 0)
        {
            source = Variable;
            return user;
        }
        if (NativeEnvironment.Set(Variable, Default.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            source = $"default: half of {Environment.ProcessorCount} cores, at least 1";
        return Default;
    }

    /// <summary>Sets the calling thread's count (a command's <c>--threads</c>, a worker thread's configured count).</summary>
    public static void Use(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        TorchSharp.torch.set_num_threads(threads);
        source = "configured";
    }

    /// <summary>
    /// Positions of a forward pass per intra-op thread it is given (<see cref="ForPass"/>). Measured on the 2-core
    /// development machine with the shipped model (docs/performance.md, "Threads"): generation steps of 1, 8 and 32
    /// rows ran slower or no faster on two threads than on one (1,190 against 709 tokens/s at one row, 3,145 against
    /// 1,919 at eight), while critic passes over windows of about 170 positions and training batches gained.
    /// </summary>
    public const int PositionsPerThread = 64;

    /// <summary>
    /// Narrows the calling thread's count for one forward pass of <paramref name="positions"/> (batch x time) to one
    /// thread per <see cref="PositionsPerThread"/>, never above the count in force, and restores the count when
    /// disposed. Waking a second thread for each of the many small operations of a one-token step costs more than
    /// the step's arithmetic saves; large passes keep every thread.
    /// </summary>
    public static PassThreads ForPass(long positions)
    {
        int current = TorchSharp.torch.get_num_threads();
        int wanted = (int)Math.Clamp(positions / PositionsPerThread, 1, current);
        if (wanted == current) return default;
        TorchSharp.torch.set_num_threads(wanted);
        return new PassThreads(current);
    }

    /// <summary>Restores the thread count <see cref="ForPass"/> narrowed (nothing when it did not).</summary>
    public readonly struct PassThreads(int restore) : IDisposable
    {
        public void Dispose()
        {
            if (restore > 0) TorchSharp.torch.set_num_threads(restore);
        }
    }

    /// <summary>The calling thread's count and where it came from, e.g. "1 (default: half of 2 cores, at least 1)".</summary>
    public static string Describe() => $"{TorchSharp.torch.get_num_threads()} ({source})";
}
