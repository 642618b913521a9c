using MusicCluster.Music.Training;

namespace MusicCluster.Music.Tests.Training;

public sealed class TensorChunksTests
{
    [Fact]
    public void A_vector_travels_as_float32_little_endian_chunks_of_at_most_one_mebibyte_and_comes_back_unchanged()
    {
        var random = new Random(3);
        float[] values = Enumerable.Range(0, 700_000).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        values[5] = float.NaN;
        values[6] = float.NegativeInfinity;
        var chunks = TensorChunks.Encode(values);
        Assert.Equal(3, chunks.Count); // 2.8 MB in 1 MiB chunks
        Assert.All(chunks, c => Assert.True(c.Length <= TensorChunks.MaxChunkBytes));
        Assert.Equal(values.Length * 4L, chunks.Sum(c => (long)c.Length));
        Assert.Equal(BitConverter.GetBytes(values[0]).Take(4), chunks[0].Take(4)); // little-endian IEEE float32
        Assert.Equal(values, TensorChunks.Decode(chunks, values.Length));
    }

    [Fact]
    public void Chunks_of_the_wrong_size_are_refused_naming_the_chunk()
    {
        var chunks = TensorChunks.Encode(new float[10], maxChunkBytes: 16).ToList();
        Assert.Contains("8 floats, 10 were expected", Assert.Throws<ArgumentException>(() => TensorChunks.Decode(chunks.Take(2).ToList(), 10)).Message);
        chunks[1] = new byte[7];
        Assert.Contains("chunk 1 of 3 has 7 bytes", Assert.Throws<ArgumentException>(() => TensorChunks.Decode(chunks, 10)).Message);
    }

    [Fact]
    public void The_outer_optimizer_is_plain_averaging_at_rate_one_without_momentum_and_nesterov_sgd_otherwise()
    {
        float[] snapshot = [1f, -2f], delta = [0.5f, 0.25f];
        Assert.Equal([1.5f, -1.75f], new NesterovOuterOptimizer(1, 0).Apply(snapshot, delta));

        // PyTorch SGD(lr 0.7, momentum 0.9, nesterov): g = -delta; m = 0.9 m + g; p = p - 0.7 (g + 0.9 m).
        var outer = new NesterovOuterOptimizer(0.7, 0.9);
        float[] first = outer.Apply(snapshot, delta);
        Assert.Equal(1 - 0.7f * (-0.5f + 0.9f * -0.5f), first[0], 6);
        float[] second = outer.Apply(first, delta);
        float m = 0.9f * -0.5f + -0.5f;
        Assert.Equal(first[0] - 0.7f * (-0.5f + 0.9f * m), second[0], 6);
    }

    [Fact]
    public void The_weighted_average_weights_by_tokens()
    {
        var average = new WeightedAverage(2);
        average.Add([1f, 0f], 3);
        average.Add([0f, 1f], 1);
        Assert.Equal([0.75f, 0.25f], average.Mean());
        Assert.Throws<ArgumentException>(() => average.Add([1f], 1));
    }
}
