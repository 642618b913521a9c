using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Tokens;

/// <summary>Turns pieces into token ids of one <see cref="Vocabulary"/> and back.</summary>
public interface ITokenizer
{
    Vocabulary Vocabulary { get; }

    /// <summary>Token ids for a piece; what the tokens cannot hold is quantized. Throws <see cref="ArgumentException"/>
    /// only for a piece the tokenizer cannot express at all (the grid tokenizer: not four monophonic voices; the event
    /// tokenizer: a piece longer than its step limit).</summary>
    int[] Encode(Piece piece);

    /// <summary>The piece a token sequence describes; a sequence that breaks the grammar throws <see cref="TokenDecodeException"/>.</summary>
    Piece Decode(ReadOnlySpan<int> ids);
}
