using Xunit;

namespace MusicCluster.TestSupport;

/// <summary>
/// A test that needs an outside program (Chromium, Azurite, abc2midi...) calls <see cref="Require"/>. Outside CI a
/// missing program skips the test with the reason; with CI=true it fails, so CI never passes by skipping.
/// </summary>
public static class Prerequisite
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static void Require(bool available, string what)
    {
        if (available) return;
        string reason = $"Prerequisite missing: {what}. Run ./test.sh, which installs it.";
        if (InCi) throw new InvalidOperationException(reason + " (CI=true: a missing prerequisite is a failure)");
        throw new SkipException(reason);
    }

    /// <summary>The full path of a program on PATH, or null.</summary>
    public static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program)).FirstOrDefault(File.Exists);

    /// <summary>Requires a program on PATH and returns its path.</summary>
    public static string RequireProgram(string program, string package)
    {
        string? path = FindOnPath(program);
        Require(path is not null, $"'{program}' (Debian package {package})");
        return path!;
    }
}
