using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace MusicCluster.Music.Data;

/// <summary>Writes one token shard (<see cref="TokenShardFormat"/>), streaming tokens to disk as pieces arrive.</summary>
public sealed class TokenShardWriter : IDisposable
{
    private readonly FileStream _file;
    private readonly BufferedStream _buffer;
    private readonly int _bytesPerToken;
    private readonly int _vocabularySize;
    private readonly List<long> _offsets = [0];
    private readonly List<byte[]> _labels = [];
    private readonly byte[] _scratch = new byte[4];
    private readonly byte[] _scratch8 = new byte[8];
    private long _tokenCount;
    private bool _completed;

    public TokenShardWriter(string path, int vocabularySize)
    {
        Path = path;
        _vocabularySize = vocabularySize;
        _bytesPerToken = TokenShardFormat.BytesPerTokenFor(vocabularySize);
        _file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        _buffer = new BufferedStream(_file, 1 << 16);
        _buffer.Write(new byte[TokenShardFormat.HeaderBytes]);
    }

    public string Path { get; }

    public int PieceCount => _labels.Count;

    public long TokenCount => _tokenCount;

    public void Append(string label, ReadOnlySpan<int> tokens)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        byte[] labelBytes = Encoding.UTF8.GetBytes(label);
        if (labelBytes.Length > ushort.MaxValue) throw new ArgumentException($"Label is {labelBytes.Length} bytes; at most {ushort.MaxValue}", nameof(label));
        if (_labels.Count == int.MaxValue) throw new InvalidOperationException("A shard holds at most int.MaxValue pieces");
        foreach (int token in tokens)
        {
            if ((uint)token >= (uint)_vocabularySize)
                throw new ArgumentOutOfRangeException(nameof(tokens), token, $"Token of '{label}' is outside the vocabulary (size {_vocabularySize})");
            if (_bytesPerToken == 2) BinaryPrimitives.WriteUInt16LittleEndian(_scratch, (ushort)token);
            else BinaryPrimitives.WriteInt32LittleEndian(_scratch, token);
            _buffer.Write(_scratch, 0, _bytesPerToken);
        }
        _tokenCount += tokens.Length;
        _offsets.Add(_tokenCount);
        _labels.Add(labelBytes);
    }

    /// <summary>Writes the index, labels and header, closes the file and returns its SHA-256 (lower-case hex) and size.</summary>
    public (string Sha256, long Bytes) Complete()
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        long indexOffset = TokenShardFormat.HeaderBytes + _tokenCount * _bytesPerToken;
        foreach (long offset in _offsets)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(_scratch8, (ulong)offset);
            _buffer.Write(_scratch8);
        }
        long labelsOffset = indexOffset + _offsets.Count * 8L, labelsLength = 0;
        foreach (byte[] label in _labels)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(_scratch, (ushort)label.Length);
            _buffer.Write(_scratch, 0, 2);
            _buffer.Write(label);
            labelsLength += 2 + label.Length;
        }
        _buffer.Flush();
        var header = new byte[TokenShardFormat.HeaderBytes];
        new TokenShardFormat.Header(_bytesPerToken, _vocabularySize, _labels.Count, _tokenCount, indexOffset, labelsOffset, labelsLength).Write(header);
        _file.Position = 0;
        _file.Write(header);
        _file.Flush(flushToDisk: true);
        _file.Position = 0;
        string sha256 = Convert.ToHexStringLower(SHA256.HashData(_file));
        long bytes = _file.Length;
        _completed = true;
        _buffer.Dispose();
        return (sha256, bytes);
    }

    public void Dispose()
    {
        _buffer.Dispose();
        _completed = true;
    }
}
