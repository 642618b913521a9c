namespace MusicCluster.Music.Training;

/// <summary>
/// The models that ship with the repository (Music/DefaultModel, copied next to every program that uses Music), so a
/// fresh clone generates and scores without a download: the default four-part chorale model
/// (DefaultModel/default.ckpt) and the earlier event-token model (DefaultModel/events/events.ckpt). A shipped
/// model's id is its checkpoint's name, and so is its checkpoint id. See Music/DefaultModel/README.md for how each
/// was trained and its figures.
/// </summary>
public static class ShippedModel
{
    /// <summary>The default model's id ("default": requests use the word for whichever model is the default).</summary>
    public const string ModelId = "default";

    /// <summary>The event-token model's id.</summary>
    public const string EventsModelId = "events";

    public const string FolderName = "DefaultModel";

    /// <summary>Every shipped model's id, the default first.</summary>
    public static readonly IReadOnlyList<string> ModelIds = [ModelId, EventsModelId];

    /// <summary>The harmonisation model (soprano given, alto, tenor and bass written): not a model pieces are generated from.</summary>
    public const string HarmonyModelId = "harmony";

    /// <summary>The shipped harmony checkpoint, or null when this build carries none.</summary>
    public static string? HarmonyCheckpointPath => Existing(Path.Combine(AppContext.BaseDirectory, FolderName, HarmonyModelId, $"{HarmonyModelId}.ckpt"));

    /// <summary>The shipped default checkpoint (with its .json record beside it), or null when this build carries none.</summary>
    public static string? CheckpointPath => CheckpointPathOf(ModelId);

    /// <summary>The checkpoint of shipped model <paramref name="modelId"/>, or null when this build does not carry it.</summary>
    public static string? CheckpointPathOf(string modelId) => modelId switch
    {
        ModelId => Existing(Path.Combine(AppContext.BaseDirectory, FolderName, "default.ckpt")),
        EventsModelId => Existing(Path.Combine(AppContext.BaseDirectory, FolderName, EventsModelId, $"{EventsModelId}.ckpt")),
        HarmonyModelId => HarmonyCheckpointPath,
        _ => null,
    };

    private static string? Existing(string path) => File.Exists(path) ? path : null;
}
