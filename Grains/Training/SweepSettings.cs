using MusicCluster.Grains.Interfaces.Training;

namespace MusicCluster.Grains.Training;

/// <summary>The settings fields a sweep can vary, by their camelCase names, and how a value is written into <see cref="TrainingSettings"/>.</summary>
public static class SweepSettings
{
    private static readonly Dictionary<string, Func<TrainingSettings, double, TrainingSettings>> Setters = new(StringComparer.Ordinal)
    {
        ["layers"] = (s, v) => s with { Layers = (int)v },
        ["heads"] = (s, v) => s with { Heads = (int)v },
        ["modelWidth"] = (s, v) => s with { ModelWidth = (int)v },
        ["contextLength"] = (s, v) => s with { ContextLength = (int)v },
        ["dropout"] = (s, v) => s with { Dropout = v },
        ["learningRate"] = (s, v) => s with { LearningRate = v },
        ["batchSize"] = (s, v) => s with { BatchSize = (int)v },
        ["mleSteps"] = (s, v) => s with { MleSteps = (int)v },
        ["adversarialSteps"] = (s, v) => s with { AdversarialSteps = (int)v },
        ["criticSteps"] = (s, v) => s with { CriticSteps = (int)v },
        ["gradientPenaltyWeight"] = (s, v) => s with { GradientPenaltyWeight = v },
        ["gumbelTemperature"] = (s, v) => s with { GumbelTemperature = v },
        ["mleWeight"] = (s, v) => s with { MleWeight = v },
        ["seed"] = (s, v) => s with { Seed = (long)v },
    };

    private static readonly HashSet<string> Integers = ["layers", "heads", "modelWidth", "contextLength", "batchSize", "mleSteps", "adversarialSteps", "criticSteps", "seed"];

    public static IReadOnlyCollection<string> Fields => Setters.Keys;

    public static string? ProblemWith(SweepParameter parameter)
    {
        if (!Setters.ContainsKey(parameter.Field)) return $"is not a field a sweep can vary (one of {string.Join(", ", Setters.Keys)})";
        if (parameter.Values is null || parameter.Values.Count == 0) return "needs at least one value";
        if (parameter.Values.Any(v => !double.IsFinite(v))) return "values must be finite numbers";
        if (Integers.Contains(parameter.Field) && parameter.Values.Any(v => v != Math.Round(v))) return "values must be whole numbers";
        return null;
    }

    public static TrainingSettings Apply(TrainingSettings settings, IReadOnlyDictionary<string, double> values) =>
        values.Aggregate(settings, (s, kv) => Setters[kv.Key](s, kv.Value));

    /// <summary>The combinations a sweep runs: every one (grid), or <paramref name="count"/> drawn with a seed (random, without repeats when possible).</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, double>> Combinations(IReadOnlyList<SweepParameter> parameters, SweepMode mode, int count, long seed)
    {
        IEnumerable<Dictionary<string, double>> grid = [new Dictionary<string, double>(StringComparer.Ordinal)];
        foreach (var p in parameters)
            grid = grid.SelectMany(partial => p.Values.Distinct().Select(v => new Dictionary<string, double>(partial, StringComparer.Ordinal) { [p.Field] = v }));
        var all = grid.ToList();
        if (mode == SweepMode.Grid) return all;
        var random = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        var shuffled = all.OrderBy(_ => random.Next()).ToList();
        return Enumerable.Range(0, count).Select(i => (IReadOnlyDictionary<string, double>)shuffled[i % shuffled.Count]).ToList();
    }

    public static long GridSize(IReadOnlyList<SweepParameter> parameters) =>
        parameters.Aggregate(1L, (n, p) => n * Math.Max(1, p.Values?.Distinct().Count() ?? 1));
}
