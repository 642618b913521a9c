using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Tokens;

/// <summary>Turns pieces into token ids of one <see cref="Vocabulary"/> and back.</summary>
public interface ITokenizer
{
    Vocabulary Vocabulary { get; }

    /// <summary>Token ids for a piece. Never throws for a valid piece; what the tokens cannot hold is quantized.</summary>
    int[] Encode(Piece piece);

    /// <summary>The piece a token sequence describes; a sequence that breaks the grammar throws <see cref="TokenDecodeException"/>.</summary>
    Piece Decode(ReadOnlySpan<int> ids);
}
