using System.Buffers.Binary;
using System.Text;

namespace MusicCluster.Music.Data;

/// <summary>
/// A token shard opened for reading: header, index and labels are read and checked at once; tokens are read per
/// piece on demand. Any inconsistency throws <see cref="DatasetFormatException"/> naming the byte offset.
/// </summary>
public sealed class TokenShard
{
    private readonly long[] _offsets;
    private readonly string[] _labels;

    private TokenShard(string path, TokenShardFormat.Header header, long[] offsets, string[] labels)
    {
        Path = path;
        Header = header;
        _offsets = offsets;
        _labels = labels;
    }

    public string Path { get; }

    public TokenShardFormat.Header Header { get; }

    public int PieceCount => _labels.Length;

    public long TokenCount => Header.TokenCount;

    public string LabelOf(int piece) => _labels[piece];

    public static TokenShard Open(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long length = file.Length;
        DatasetFormatException Error(string problem, long offset) => new(path, problem, "token shard", offset);

        if (length < TokenShardFormat.HeaderBytes) throw Error($"the file is {length} bytes, shorter than the {TokenShardFormat.HeaderBytes}-byte header", 0);
        Span<byte> head = stackalloc byte[TokenShardFormat.HeaderBytes];
        file.ReadExactly(head);
        if (!head[..4].SequenceEqual(TokenShardFormat.Magic)) throw Error("not a token shard (magic is not \"MCTS\")", 0);
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(head[4..]);
        if (version != TokenShardFormat.Version) throw Error($"format version {version}; this build reads version {TokenShardFormat.Version}", 4);
        int bytesPerToken = BinaryPrimitives.ReadUInt16LittleEndian(head[6..]);
        if (bytesPerToken is not (2 or 4)) throw Error($"{bytesPerToken} bytes per token; expected 2 or 4", 6);
        uint vocabularySize = BinaryPrimitives.ReadUInt32LittleEndian(head[8..]);
        if (vocabularySize == 0 || vocabularySize > int.MaxValue || (bytesPerToken == 2 && vocabularySize > 65_536))
            throw Error($"vocabulary size {vocabularySize} does not fit {bytesPerToken}-byte tokens", 8);
        uint pieceCount = BinaryPrimitives.ReadUInt32LittleEndian(head[12..]);
        ulong tokenCount = BinaryPrimitives.ReadUInt64LittleEndian(head[16..]);
        ulong indexOffset = BinaryPrimitives.ReadUInt64LittleEndian(head[24..]);
        ulong labelsOffset = BinaryPrimitives.ReadUInt64LittleEndian(head[32..]);
        ulong labelsLength = BinaryPrimitives.ReadUInt64LittleEndian(head[40..]);
        ulong fileLength = (ulong)length;
        if (tokenCount > fileLength / (ulong)bytesPerToken) throw Error($"token count {tokenCount} exceeds the file size {length}", 16);
        if (indexOffset != TokenShardFormat.HeaderBytes + tokenCount * (ulong)bytesPerToken)
            throw Error($"index offset {indexOffset} does not follow the {tokenCount} tokens", 24);
        if (pieceCount >= fileLength / 8 || labelsOffset != indexOffset + (pieceCount + 1UL) * 8)
            throw Error($"labels offset {labelsOffset} does not follow an index of {pieceCount} pieces", 32);
        if (labelsOffset > fileLength || labelsLength != fileLength - labelsOffset)
            throw Error($"labels length {labelsLength} does not reach the end of the {length}-byte file", 40);

        var indexBytes = new byte[(pieceCount + 1) * 8];
        file.Position = (long)indexOffset;
        file.ReadExactly(indexBytes);
        var offsets = new long[pieceCount + 1];
        for (int i = 0; i < offsets.Length; i++)
        {
            ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(indexBytes.AsSpan(i * 8));
            long at = (long)indexOffset + i * 8L;
            if (offset > tokenCount || (i > 0 && (long)offset < offsets[i - 1])) throw Error($"index entry {i} ({offset}) is out of order or beyond {tokenCount} tokens", at);
            if ((i == 0 && offset != 0) || (i == offsets.Length - 1 && offset != tokenCount)) throw Error($"index entry {i} is {offset}; the index must run from 0 to {tokenCount}",
                at);
            offsets[i] = (long)offset;
        }

        var labelBytes = new byte[labelsLength];
        file.ReadExactly(labelBytes);
        var labels = new string[pieceCount];
        int position = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            if (position + 2 > labelBytes.Length) throw Error($"labels end before label {i}", (long)labelsOffset + position);
            int size = BinaryPrimitives.ReadUInt16LittleEndian(labelBytes.AsSpan(position));
            if (position + 2 + size > labelBytes.Length) throw Error($"label {i} ({size} bytes) runs past the end of the file", (long)labelsOffset + position);
            labels[i] = Encoding.UTF8.GetString(labelBytes, position + 2, size);
            position += 2 + size;
        }
        if (position != labelBytes.Length) throw Error($"{labelBytes.Length - position} bytes follow the last label", (long)labelsOffset + position);

        var header = new TokenShardFormat.Header(bytesPerToken, (int)vocabularySize, (int)pieceCount, (long)tokenCount, (long)indexOffset, (long)labelsOffset, (long)labelsLength);
        return new TokenShard(path, header, offsets, labels);
    }

    /// <summary>The tokens of one piece; a token outside the vocabulary throws (a corrupted shard).</summary>
    public int[] ReadTokens(int piece)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(piece);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(piece, PieceCount);
        using var handle = File.OpenHandle(Path);
        return ReadTokens(handle, piece);
    }

    /// <summary>Every piece in order, reading the file through one handle.</summary>
    public IEnumerable<(string Label, int[] Tokens)> ReadAll()
    {
        using var handle = File.OpenHandle(Path);
        for (int piece = 0; piece < PieceCount; piece++) yield return (_labels[piece], ReadTokens(handle, piece));
    }

    private int[] ReadTokens(Microsoft.Win32.SafeHandles.SafeFileHandle handle, int piece)
    {
        long start = _offsets[piece], count = _offsets[piece + 1] - start;
        int width = Header.BytesPerToken;
        var bytes = new byte[checked(count * width)];
        int read = RandomAccess.Read(handle, bytes, TokenShardFormat.HeaderBytes + start * width);
        if (read != bytes.Length)
            throw new DatasetFormatException(Path, $"piece {piece} is cut short (the file changed after it was opened?)", "token shard",
                TokenShardFormat.HeaderBytes + start * width + read);
        var tokens = new int[count];
        for (int i = 0; i < tokens.Length; i++)
        {
            tokens[i] = width == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i * 2)) : BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(i * 4));
            if ((uint)tokens[i] >= (uint)Header.VocabularySize)
                throw new DatasetFormatException(Path, $"token {tokens[i]} of piece {piece} is outside the vocabulary (size {Header.VocabularySize})",
                    "token shard", TokenShardFormat.HeaderBytes + (start + i) * width);
        }
        return tokens;
    }
}
