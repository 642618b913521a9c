namespace MusicCluster.TestSupport;

/// <summary>Finds folders of this repository from a test's output directory.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: the configuration the tests themselves were built in (bin/{configuration}/...).</summary>
    public static string BuildConfiguration { get; } =
        AppContext.BaseDirectory.Split(Path.DirectorySeparatorChar).Contains("Release") ? "Release" : "Debug";

    /// <summary>Where tests save artifacts (screenshots) for CI: TestResults/artifacts under the repository root.</summary>
    public static string ArtifactsFolder
    {
        get
        {
            string path = Path.Combine(Root, "TestResults", "artifacts");
            Directory.CreateDirectory(path);
            return path;
        }
    }

    /// <summary>A fresh, empty folder under the system temp folder, unique to the caller.</summary>
    public static string NewTempFolder(string purpose)
    {
        string path = Path.Combine(Path.GetTempPath(), "musiccluster-tests", $"{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "MusicCluster.sln"))) return directory.FullName;
        throw new InvalidOperationException($"MusicCluster.sln not found above {AppContext.BaseDirectory}");
    }
}
