namespace MusicCluster.Music.Models;

/// <summary>Why a sampled sequence ended.</summary>
public enum StopReason
{
    /// <summary>It reached the options' MaxNewTokens.</summary>
    MaxNewTokens,

    /// <summary>It sampled one of the options' stop tokens (kept as its last token).</summary>
    StopToken,

    /// <summary>Its constraint said it was complete.</summary>
    Complete,
}

/// <summary>One sampled sequence: the primer followed by the new tokens.</summary>
public sealed record SampledSequence(IReadOnlyList<int> Tokens, int PrimerLength, StopReason StopReason)
{
    public IEnumerable<int> NewTokens => Tokens.Skip(PrimerLength);
}

/// <summary>A token as it is sampled: which sequence of the batch, its position (counting the primer), its id.</summary>
public readonly record struct SampledToken(int Sequence, int Position, int Token);
