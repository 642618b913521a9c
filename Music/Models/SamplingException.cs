namespace MusicCluster.Music.Models;

/// <summary>Sampling could not go on: a constraint allowed no token, or the model produced non-finite logits.</summary>
public sealed class SamplingException(string message, int sequence, int position) : InvalidOperationException(message)
{
    /// <summary>Index of the sequence in the batch.</summary>
    public int Sequence { get; } = sequence;

    /// <summary>Position (counting the primer) of the token that could not be sampled.</summary>
    public int Position { get; } = position;
}
