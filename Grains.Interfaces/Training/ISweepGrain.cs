namespace MusicCluster.Grains.Interfaces.Training;

[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<SweepMode>))]
public enum SweepMode { Grid, Random }

/// <summary>The values one settings field takes in a sweep (field as in <see cref="TrainingSettings"/>, camelCase: "learningRate").</summary>
[GenerateSerializer, Immutable]
public sealed record SweepParameter([property: Id(0)] string Field, [property: Id(1)] IReadOnlyList<double> Values);

/// <summary>
/// A search over settings: Grid runs every combination; Random draws <see cref="Count"/> combinations (seeded).
/// Every run uses <see cref="Base"/> with the swept fields replaced.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SweepRequest
{
    public const int MaxRuns = 64;
    [Id(0)] public TrainingRunRequest Base { get; init; } = new();
    [Id(1)] public IReadOnlyList<SweepParameter> Parameters { get; init; } = [];
    [Id(2)] public SweepMode Mode { get; init; }
    [Id(3)] public int Count { get; init; }
    [Id(4)] public long Seed { get; init; } = 1;
    [Id(5)] public string? Name { get; init; }
}

/// <summary>One row of a sweep's results: the values it tried, and how its run stands.</summary>
[GenerateSerializer, Immutable]
public sealed record SweepResultRow(
    [property: Id(0)] string RunId,
    [property: Id(1)] IReadOnlyDictionary<string, double> Values,
    [property: Id(2)] TrainingRunStatus Status,
    [property: Id(3)] long Step,
    [property: Id(4)] long TotalSteps,
    [property: Id(5)] double? FinalValidNll);

[GenerateSerializer, Immutable]
public sealed record SweepSnapshot(
    [property: Id(0)] string SweepId,
    [property: Id(1)] string Name,
    [property: Id(2)] SweepMode Mode,
    [property: Id(3)] IReadOnlyList<SweepResultRow> Results,
    [property: Id(4)] DateTimeOffset CreatedAt);

/// <summary>A hyperparameter search (key: sweep id) run as training runs across silos, with a results table.</summary>
public interface ISweepGrain : IGrainWithStringKey
{
    /// <summary>Starts the sweep's runs (once). Throws ArgumentException naming wrong fields.</summary>
    Task<SweepSnapshot> StartAsync(SweepRequest request);

    /// <summary>The sweep with its runs' current figures, or null when none was started with this key.</summary>
    Task<SweepSnapshot?> GetAsync();

    /// <summary>Stops every run of the sweep that is still going.</summary>
    Task<SweepSnapshot?> StopAsync();
}

/// <summary>The list of sweeps (key 0).</summary>
public interface ISweepIndexGrain : IGrainWithIntegerKey
{
    Task AddAsync(string sweepId);
    Task<IReadOnlyList<string>> ListAsync();
}
