namespace MusicCluster.Cli.Commands;

/// <summary>
/// Figures measured in rounds (<see cref="SessionsBenchmark"/>, <see cref="ThreadsBenchmark"/>): every round's value of
/// each figure, read back as the median, so a round that a burst of the machine's load slowed does not move the figure.
/// </summary>
internal sealed class RoundSamples
{
    private readonly Dictionary<string, List<double>> rounds = new(StringComparer.Ordinal);

    /// <summary>The figures measured so far, in the order they were first added.</summary>
    public IEnumerable<string> Names => rounds.Keys;

    public void Add(string name, double value)
    {
        if (!rounds.TryGetValue(name, out var values)) rounds[name] = values = [];
        values.Add(value);
    }

    public double Median(string name)
    {
        var sorted = rounds[name].Order().ToList();
        int middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
