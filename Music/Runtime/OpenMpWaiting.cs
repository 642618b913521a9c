namespace MusicCluster.Music.Runtime;

/// <summary>
/// libtorch's OpenMP threads spin while they wait for work by default. On a busy machine with few cores the spinning
/// threads take the cores from each other and from everything else: measured on the 2-core development machine with
/// another process busy, training fell from about 2,200 to 200-320 tokens/s at two threads (issue 15); with
/// <c>OMP_WAIT_POLICY=PASSIVE</c> two threads kept 2,170-2,280. OpenMP reads the variable once, when libtorch is
/// loaded, from the native environment (which <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not
/// change on Unix), so every entry point calls <see cref="PreferPassive"/> before its first tensor.
/// A value the user set is kept.
/// </summary>
public static class OpenMpWaiting
{
    public const string Variable = "OMP_WAIT_POLICY";

    /// <summary>Sets OMP_WAIT_POLICY=PASSIVE for libtorch unless it is set already; returns the policy in force.</summary>
    public static string PreferPassive()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } chosen) return chosen;
        return NativeEnvironment.Set(Variable, "PASSIVE") ? "PASSIVE" : "default (setenv failed)";
    }

    /// <summary>The policy libtorch's OpenMP runs with, read where OpenMP reads it (the native environment), for `doctor`.</summary>
    public static string Current => NativeEnvironment.Get(Variable) is { Length: > 0 } policy ? policy : "default (ACTIVE: threads spin)";
}
