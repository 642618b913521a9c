namespace MusicCluster.Grains.Inference;

/// <summary>
/// Whose work a model's worker runs first. Live work (a session someone watches, a score someone asked for) takes
/// rows and critic batches before background work (starter-library seeding, rescoring jobs), which runs only in the
/// capacity live work leaves and gives its rows back when live work needs them.
/// </summary>
public enum WorkPriority
{
    Live,
    Background,
}
