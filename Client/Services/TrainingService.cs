using MusicCluster.Grains.Interfaces.Training;

namespace MusicCluster.Client.Services;

/// <summary>What the training pages, API and hub need from the grains.</summary>
public sealed class TrainingService(IClusterClient cluster)
{
    /// <summary>Run and sweep ids: letters, digits, '.', '_', '-' (they become blob names).</summary>
    public static bool IsValidId(string? id) =>
        id is { Length: > 0 and <= 100 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') && id[0] != '.';

    private ITrainingRunIndexGrain Index => cluster.GetGrain<ITrainingRunIndexGrain>(0);

    public ITrainingRunGrain Run(string id) => cluster.GetGrain<ITrainingRunGrain>(id);

    public Task<IReadOnlyList<TrainingDatasetInfo>> GetDatasetsAsync() => Index.GetDatasetsAsync();

    public Task<IReadOnlyList<TrainingFieldError>> ValidateAsync(TrainingRunRequest request) => Index.ValidateAsync(request);

    public Task<TrainingRunSnapshot> StartAsync(TrainingRunRequest request) => Index.StartRunAsync(request);

    public Task<IReadOnlyList<TrainingRunSummary>> ListAsync() => Index.ListAsync();

    public Task<TrainingRunSnapshot?> GetAsync(string id) => Run(id).GetAsync();

    public Task<IReadOnlyList<TrainingMetricsPoint>> GetMetricsAsync(string id, long fromStep, int max = 10_000) => Run(id).GetMetricsAsync(fromStep, max);

    public Task<IReadOnlyList<TrainingLogLine>> GetLogAsync(string id, long fromLine, int max = 1_000) => Run(id).GetLogAsync(fromLine, max);

    public Task<TrainingRunSnapshot> PauseAsync(string id) => Run(id).PauseAsync();

    public Task<TrainingRunSnapshot> ResumeAsync(string id) => Run(id).ResumeAsync();

    public Task<TrainingRunSnapshot> StopAsync(string id) => Run(id).StopAsync();

    public Task<TrainingRunSnapshot> SetLearningRateAsync(string id, double rate) => Run(id).SetLearningRateAsync(rate);

    public async Task<SweepSnapshot> StartSweepAsync(SweepRequest request)
    {
        string id = $"sweep-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
        return await cluster.GetGrain<ISweepGrain>(id).StartAsync(request);
    }

    public Task<SweepSnapshot?> GetSweepAsync(string id) => cluster.GetGrain<ISweepGrain>(id).GetAsync();

    public Task<SweepSnapshot?> StopSweepAsync(string id) => cluster.GetGrain<ISweepGrain>(id).StopAsync();

    public async Task<IReadOnlyList<SweepSnapshot>> ListSweepsAsync()
    {
        var ids = await cluster.GetGrain<ISweepIndexGrain>(0).ListAsync();
        var sweeps = await Task.WhenAll(ids.Select(id => GetSweepAsync(id)));
        return sweeps.OfType<SweepSnapshot>().ToList();
    }
}
