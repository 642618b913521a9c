namespace MusicCluster.Music.Data;

/// <summary>
/// A small deterministic random generator (SplitMix64) whose sequence is fixed by this code, unlike
/// <see cref="Random"/>, whose seeded sequence the runtime does not promise to keep across versions.
/// </summary>
public sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>An integer in [min, max).</summary>
    public int Next(int min, int max)
    {
        if (max <= min) throw new ArgumentOutOfRangeException(nameof(max), $"max {max} must exceed min {min}");
        return min + (int)(NextUInt64() % (ulong)(max - min));
    }

    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public bool Chance(double probability) => NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(0, items.Count)];

    /// <summary>A generator for item <paramref name="index"/> of a seeded collection, independent of the others.</summary>
    public static SplitMix64 ForItem(long seed, int index)
    {
        var mixer = new SplitMix64((ulong)seed);
        ulong a = mixer.NextUInt64();
        return new SplitMix64(a ^ (0xD1B54A32D192ED03UL * (ulong)(index + 1)));
    }
}
