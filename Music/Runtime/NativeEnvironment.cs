using System.Runtime.InteropServices;

namespace MusicCluster.Music.Runtime;

/// <summary>
/// The process environment as native libraries (libtorch's OpenMP, MKL) read it: on Unix,
/// <see cref="Environment.SetEnvironmentVariable(string, string)"/> changes only .NET's copy, so variables meant for
/// them are set with setenv, before libtorch loads.
/// </summary>
internal static class NativeEnvironment
{
    public static string? Get(string name) =>
        OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() ? Marshal.PtrToStringUTF8(GetEnv(name)) : Environment.GetEnvironmentVariable(name);

    /// <summary>Sets a variable for native code and .NET alike; false when setenv failed.</summary>
    public static bool Set(string name, string value)
    {
        if ((OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) && SetEnv(name, value, 1) != 0) return false;
        Environment.SetEnvironmentVariable(name, value); // what .NET code reads (and the process block on Windows)
        return true;
    }

    [DllImport("libc", EntryPoint = "getenv", CharSet = CharSet.Ansi)]
    private static extern IntPtr GetEnv(string name);

    [DllImport("libc", EntryPoint = "setenv", CharSet = CharSet.Ansi)]
    private static extern int SetEnv(string name, string value, int overwrite);
}
