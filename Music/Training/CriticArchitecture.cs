using MusicCluster.Music.Models;

namespace MusicCluster.Music.Training;

/// <summary>
/// The critic's own architecture. Vocabulary, context length and rotary base are the generator's: the critic reads
/// the generator's windows, so they must agree; <see cref="ToTransformerConfig"/> fills them in.
/// </summary>
public sealed record CriticArchitecture
{
    public int Layers { get; init; } = 2;
    public int Heads { get; init; } = 4;
    public int ModelWidth { get; init; } = 128;
    public int FeedForwardWidth { get; init; } = 512;
    public double Dropout { get; init; } = 0.1;

    public TransformerConfig ToTransformerConfig(TransformerConfig generator) => new()
    {
        VocabSize = generator.VocabSize,
        ContextLength = generator.ContextLength,
        Layers = Layers,
        Heads = Heads,
        ModelWidth = ModelWidth,
        FeedForwardWidth = FeedForwardWidth,
        Dropout = Dropout,
        RotaryBase = generator.RotaryBase,
        PadTokenId = generator.PadTokenId,
    };
}
