using System.Buffers.Binary;

namespace MusicCluster.Music.Data;

/// <summary>
/// The token shard file, little-endian throughout:
/// <code>
///  0  "MCTS"                    magic
///  4  u16 format version (1)
///  6  u16 bytes per token       2 when the vocabulary has at most 65,536 tokens, else 4
///  8  u32 vocabulary size       every token is below it
/// 12  u32 piece count
/// 16  u64 token count
/// 24  u64 index offset          = 48 + token count x bytes per token
/// 32  u64 labels offset         = index offset + (piece count + 1) x 8
/// 40  u64 labels length
/// 48  tokens, piece after piece
///     index: piece count + 1 u64 token offsets (0 first, token count last)
///     labels: per piece a u16 byte length and that many UTF-8 bytes (source file, "train[3]", "+2" for a transposition)
/// </code>
/// Every length is checked against the file size before anything is allocated.
/// </summary>
public static class TokenShardFormat
{
    public const int HeaderBytes = 48;
    public const ushort Version = 1;
    public const string Extension = ".tokens";
    public static ReadOnlySpan<byte> Magic => "MCTS"u8;

    public readonly record struct Header(int BytesPerToken, int VocabularySize, int PieceCount, long TokenCount, long IndexOffset, long LabelsOffset, long LabelsLength)
    {
        public void Write(Span<byte> destination)
        {
            Magic.CopyTo(destination);
            BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], Version);
            BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], (ushort)BytesPerToken);
            BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], (uint)VocabularySize);
            BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], (uint)PieceCount);
            BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], (ulong)TokenCount);
            BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], (ulong)IndexOffset);
            BinaryPrimitives.WriteUInt64LittleEndian(destination[32..], (ulong)LabelsOffset);
            BinaryPrimitives.WriteUInt64LittleEndian(destination[40..], (ulong)LabelsLength);
        }
    }

    public static int BytesPerTokenFor(int vocabularySize) => vocabularySize <= 65_536 ? 2 : 4;
}
