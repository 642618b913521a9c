namespace MusicCluster.Music.Training;

/// <summary>
/// The default model that ships with the repository (Music/DefaultModel, copied next to every program that uses
/// Music), so a fresh clone generates and scores without a download. See Music/DefaultModel/README.md for how it
/// was trained and its evaluation figures.
/// </summary>
public static class ShippedModel
{
    public const string ModelId = "default";
    public const string FolderName = "DefaultModel";

    /// <summary>The shipped checkpoint (with its .json record beside it), or null when this build carries none.</summary>
    public static string? CheckpointPath => Existing(Path.Combine(AppContext.BaseDirectory, FolderName, "default.ckpt"));

    private static string? Existing(string path) => File.Exists(path) ? path : null;
}
