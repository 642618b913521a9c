namespace MusicCluster.Music.Scoring;

/// <summary>
/// Loads the model that `score` and `eval` use. The implementation over checkpoints (models/{id}/{ckpt}.ckpt with
/// the calibration stored beside it) belongs to Music/Training; tests use models built in memory.
/// </summary>
public interface IScoringModelSource
{
    /// <summary>The model named by <paramref name="model"/> (a checkpoint path or id), or the shipped default model
    /// when null. Throws <see cref="ScoringModelLoadException"/> when it cannot be found or loaded.</summary>
    ScoringModel Load(string? model);
}

/// <summary>A model that cannot be found or loaded; the message names it and says why.</summary>
public sealed class ScoringModelLoadException(string message, Exception? inner = null) : Exception(message, inner);
