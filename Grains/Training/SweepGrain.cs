using MusicCluster.Grains.Interfaces;
using MusicCluster.Grains.Interfaces.Training;

namespace MusicCluster.Grains.Training;

[GenerateSerializer]
public sealed class SweepState
{
    [Id(0)] public string SweepId { get; set; } = "";
    [Id(1)] public string Name { get; set; } = "";
    [Id(2)] public SweepMode Mode { get; set; }
    [Id(3)] public List<SweepRow> Rows { get; set; } = [];
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }
}

[GenerateSerializer]
public sealed record SweepRow([property: Id(0)] string RunId, [property: Id(1)] Dictionary<string, double> Values);

/// <summary>
/// A hyperparameter search: every combination (grid) or a seeded random draw, each started as a training run
/// through the index (so runs spread over silos and queue like any other). All combinations are validated before
/// the first run starts, so a sweep starts whole or not at all.
/// </summary>
public sealed class SweepGrain(
    [PersistentState("sweep", StorageNames.GrainState)] IPersistentState<SweepState> state,
    TimeProvider clock) : Grain, ISweepGrain
{
    public async Task<SweepSnapshot> StartAsync(SweepRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (state.State.SweepId.Length > 0) return (await GetAsync())!;
        var errors = new List<string>();
        if (request.Parameters is null || request.Parameters.Count == 0) errors.Add("parameters: name at least one field to vary");
        else
        {
            for (int i = 0; i < request.Parameters.Count; i++)
                if (SweepSettings.ProblemWith(request.Parameters[i]) is { } problem) errors.Add($"parameters[{i}].{request.Parameters[i].Field}: {problem}");
            if (request.Parameters.GroupBy(p => p.Field).Any(g => g.Count() > 1)) errors.Add("parameters: a field is named twice");
        }
        if (request.Mode == SweepMode.Random && request.Count is < 1 or > SweepRequest.MaxRuns)
            errors.Add($"count: must be from 1 to {SweepRequest.MaxRuns} for a random search, got {request.Count}");
        if (errors.Count == 0 && request.Mode == SweepMode.Grid && SweepSettings.GridSize(request.Parameters!) > SweepRequest.MaxRuns)
            errors.Add($"parameters: the grid has {SweepSettings.GridSize(request.Parameters!)} combinations; at most {SweepRequest.MaxRuns}");
        if (errors.Count > 0) throw new ArgumentException(string.Join("; ", errors));

        var combinations = SweepSettings.Combinations(request.Parameters!, request.Mode, request.Count, request.Seed);
        var index = GrainFactory.GetGrain<ITrainingRunIndexGrain>(0);
        string name = string.IsNullOrWhiteSpace(request.Name) ? this.GetPrimaryKeyString() : request.Name.Trim();
        var requests = combinations.Select((values, i) => request.Base with
        {
            Settings = SweepSettings.Apply(request.Base.Settings ?? new TrainingSettings(), values),
            Name = $"{name} #{i + 1} " + string.Join(" ", values.Select(kv => $"{kv.Key}={kv.Value:G4}")),
        }).ToList();
        for (int i = 0; i < requests.Count; i++)
            foreach (var error in await index.ValidateAsync(requests[i]))
                errors.Add($"runs[{i}].{error.Field}: {error.Message}");
        if (errors.Count > 0) throw new ArgumentException(string.Join("; ", errors.Distinct()));

        state.State.SweepId = this.GetPrimaryKeyString();
        state.State.Name = name;
        state.State.Mode = request.Mode;
        state.State.CreatedAt = clock.GetUtcNow();
        for (int i = 0; i < requests.Count; i++)
        {
            var run = await index.StartRunAsync(requests[i]);
            state.State.Rows.Add(new SweepRow(run.RunId, new Dictionary<string, double>(combinations[i], StringComparer.Ordinal)));
        }
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<ISweepIndexGrain>(0).AddAsync(state.State.SweepId);
        return (await GetAsync())!;
    }

    public async Task<SweepSnapshot?> GetAsync()
    {
        if (state.State.SweepId.Length == 0) return null;
        var rows = await Task.WhenAll(state.State.Rows.Select(async row =>
        {
            var run = await GrainFactory.GetGrain<ITrainingRunGrain>(row.RunId).GetAsync();
            return new SweepResultRow(row.RunId, row.Values, run?.Status ?? TrainingRunStatus.Failed, run?.Step ?? 0, run?.TotalSteps ?? 0,
                run?.Checkpoints.LastOrDefault()?.ValidNll ?? run?.LatestValidNll);
        }));
        return new SweepSnapshot(state.State.SweepId, state.State.Name, state.State.Mode, rows, state.State.CreatedAt);
    }

    public async Task<SweepSnapshot?> StopAsync()
    {
        foreach (var row in state.State.Rows)
            await GrainFactory.GetGrain<ITrainingRunGrain>(row.RunId).StopAsync();
        return await GetAsync();
    }
}

[GenerateSerializer]
public sealed class SweepIndexState
{
    [Id(0)] public List<string> SweepIds { get; set; } = [];
}

public sealed class SweepIndexGrain(
    [PersistentState("sweeps", StorageNames.GrainState)] IPersistentState<SweepIndexState> state) : Grain, ISweepIndexGrain
{
    public async Task AddAsync(string sweepId)
    {
        if (state.State.SweepIds.Contains(sweepId)) return;
        state.State.SweepIds.Insert(0, sweepId);
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>(state.State.SweepIds.ToList());
}
