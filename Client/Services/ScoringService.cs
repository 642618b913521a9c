using MusicCluster.Grains.Interfaces.Scoring;

namespace MusicCluster.Client.Services;

/// <summary>Scoring of uploaded files and scoring jobs.</summary>
public sealed class ScoringService(IClusterClient cluster)
{
    /// <summary>ArgumentException (message starting "midi:" or "model:") when the file or model cannot be used.</summary>
    public Task<ScoreResult> ScoreAsync(byte[] midi, string? model, string? fileName) =>
        cluster.GetGrain<IScorerGrain>(0).ScoreAsync(new ScoreRequest(midi, model, fileName));

    public async Task<ScoringJobProgress> StartJobAsync(ScoringJobRequest request) =>
        await cluster.GetGrain<IScoringJobGrain>(Guid.NewGuid()).StartAsync(request);

    public Task<ScoringJobProgress?> GetJobAsync(Guid id) => cluster.GetGrain<IScoringJobGrain>(id).GetAsync();
}
