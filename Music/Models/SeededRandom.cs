namespace MusicCluster.Music.Models;

/// <summary>
/// SplitMix64: a tiny, fully specified generator, so a seed gives the same draws on every run, machine and .NET
/// version (System.Random promises that only for its legacy seeded algorithm). Each sequence of a batch gets
/// its own stream, derived from the seed and the sequence's index.
/// </summary>
internal sealed class SeededRandom
{
    private ulong state;

    public SeededRandom(long seed, int stream)
    {
        state = unchecked((ulong)seed ^ ((ulong)(stream + 1) * 0xD1B54A32D192ED03UL));
        NextUInt64(); // decorrelate nearby seeds before the first draw
    }

    public ulong NextUInt64()
    {
        unchecked
        {
            state += 0x9E3779B97F4A7C15UL;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
