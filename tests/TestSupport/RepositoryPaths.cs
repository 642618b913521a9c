namespace MusicCluster.TestSupport;

/// <summary>Finds folders of this repository from a test's output directory.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

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
