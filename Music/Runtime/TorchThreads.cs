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

    /// <summary>The calling thread's count and where it came from, e.g. "1 (default: half of 2 cores, at least 1)".</summary>
    public static string Describe() => $"{TorchSharp.torch.get_num_threads()} ({source})";
}
