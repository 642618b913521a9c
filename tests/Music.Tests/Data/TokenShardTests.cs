using System.Buffers.Binary;
using MusicCluster.Music.Data;

namespace MusicCluster.Music.Tests.Data;

public class TokenShardTests
{
    private static string WriteShard(string folder, int vocabularySize, IReadOnlyList<(string Label, int[] Tokens)> pieces, string name = "s.tokens")
    {
        string path = Path.Combine(folder, name);
        using var writer = new TokenShardWriter(path, vocabularySize);
        foreach (var (label, tokens) in pieces) writer.Append(label, tokens);
        writer.Complete();
        return path;
    }

    [Theory]
    [InlineData(600, 2)]
    [InlineData(70_000, 4)]
    public void Pieces_and_labels_read_back_as_written(int vocabularySize, int bytesPerToken)
    {
        string folder = RepositoryPaths.NewTempFolder("shard");
        var random = new Random(vocabularySize);
        var pieces = Enumerable.Range(0, 20)
            .Select(i => ($"dir/é{i}.mid +{i % 3}", Enumerable.Range(0, random.Next(0, 300)).Select(_ => random.Next(vocabularySize)).ToArray())).ToList();
        string path = WriteShard(folder, vocabularySize, pieces);

        var shard = TokenShard.Open(path);
        Assert.Equal(bytesPerToken, shard.Header.BytesPerToken);
        Assert.Equal(pieces.Count, shard.PieceCount);
        Assert.Equal(pieces.Sum(p => p.Item2.Length), shard.TokenCount);
        for (int i = 0; i < pieces.Count; i++)
        {
            Assert.Equal(pieces[i].Item1, shard.LabelOf(i));
            Assert.Equal(pieces[i].Item2, shard.ReadTokens(i));
        }
        Assert.Equal(TokenShardFormat.HeaderBytes + shard.TokenCount * bytesPerToken + (pieces.Count + 1) * 8 + shard.Header.LabelsLength, new FileInfo(path).Length);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void Tokens_outside_the_vocabulary_are_refused_when_writing()
    {
        string folder = RepositoryPaths.NewTempFolder("shard");
        using var writer = new TokenShardWriter(Path.Combine(folder, "s.tokens"), 10);
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Append("x", [1, 10]));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Append("x", [-1]));
    }

    [Fact]
    public void Damaged_headers_are_named_by_field_offset()
    {
        string folder = RepositoryPaths.NewTempFolder("shard");
        string path = WriteShard(folder, 600, [("a", [1, 2, 3]), ("b", [4])]);
        byte[] good = File.ReadAllBytes(path);

        void Expect(Action<byte[]> damage, long offset, string problem)
        {
            byte[] bytes = good.ToArray();
            damage(bytes);
            File.WriteAllBytes(path, bytes);
            var error = Assert.Throws<DatasetFormatException>(() => TokenShard.Open(path));
            Assert.Equal(offset, error.ByteOffset);
            Assert.Contains(problem, error.Message);
        }

        Expect(b => b[0] = (byte)'X', 0, "magic");
        Expect(b => b[4] = 9, 4, "format version 9");
        Expect(b => b[6] = 3, 6, "3 bytes per token");
        Expect(b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(16), 1UL << 60), 16, "exceeds the file size");
        Expect(b => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(12), uint.MaxValue), 32, "does not follow an index");
        Expect(b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(56), 2), 56, "index entry 0 is 2");
        Expect(b => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(64), 5), 64, "index entry 1 (5)");
        var error = Assert.Throws<DatasetFormatException>(() => { File.WriteAllBytes(path, good[..20]); TokenShard.Open(path); });
        Assert.Contains("shorter than", error.Message);

        byte[] badToken = good.ToArray();
        BinaryPrimitives.WriteUInt16LittleEndian(badToken.AsSpan(48 + 2), 700);
        File.WriteAllBytes(path, badToken);
        var tokenError = Assert.Throws<DatasetFormatException>(() => TokenShard.Open(path).ReadTokens(0));
        Assert.Equal(50, tokenError.ByteOffset);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void Corrupted_shards_read_or_fail_with_a_format_error()
    {
        string folder = RepositoryPaths.NewTempFolder("shard");
        var random = new Random(5);
        string path = WriteShard(folder, 300, Enumerable.Range(0, 6).Select(i => ($"p{i}", Enumerable.Range(0, 40).Select(_ => random.Next(300)).ToArray())).ToList());
        byte[] good = File.ReadAllBytes(path);
        for (int round = 0; round < 2000; round++)
        {
            byte[] bytes = good.ToArray();
            if (random.Next(4) == 0) bytes = bytes[..random.Next(bytes.Length)];
            for (int flips = random.Next(1, 4); flips > 0 && bytes.Length > 0; flips--) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            File.WriteAllBytes(path, bytes);
            try
            {
                var shard = TokenShard.Open(path);
                for (int i = 0; i < shard.PieceCount; i++) shard.ReadTokens(i);
            }
            catch (DatasetFormatException error)
            {
                Assert.Equal(path, error.File);
            }
        }
        Directory.Delete(folder, recursive: true);
    }
}
