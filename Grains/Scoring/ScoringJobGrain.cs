using Microsoft.Extensions.Logging;
using MusicCluster.Grains.Interfaces;
using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Grains.Interfaces.Models;
using MusicCluster.Grains.Interfaces.Scoring;
using MusicCluster.Grains.Live;

namespace MusicCluster.Grains.Scoring;

[GenerateSerializer]
public sealed record ScoringJobState
{
    [Id(0)] public ScoringJobProgress? Progress { get; init; }
}

/// <summary>
/// Scores a set of pieces (listed, or the whole library) with one model, in slices of <see cref="SliceSize"/> spread
/// over silos (<see cref="ScoringShardGrain"/>), a few slices at a time; progress is stored after every slice and
/// announced to its observers (<see cref="LiveValueGrain{T}"/>).
/// </summary>
public sealed class ScoringJobGrain(
    [PersistentState("scoringJob", StorageNames.GrainState)] IPersistentState<ScoringJobState> state,
    TimeProvider clock,
    ILogger<ScoringJobGrain> logger) : LiveValueGrain<ScoringJobProgress?>, IScoringJobGrain
{
    public const int SliceSize = 8;
    public const int ParallelSlices = 4;
    private CancellationTokenSource? cancellation;

    public async Task<ScoringJobProgress> StartAsync(ScoringJobRequest request)
    {
        if (state.State.Progress is { } existing) return existing;
        ArgumentNullException.ThrowIfNull(request);
        if (request.PieceIds is { Count: 0 }) throw new ArgumentException("pieceIds: list at least one piece, or none at all for the whole library");
        if (request.PieceIds?.FirstOrDefault(id => !Interfaces.Library.PieceIds.IsValid(id)) is { } bad)
            throw new ArgumentException($"pieceIds: '{bad}' is not a piece id");
        ModelRef model;
        try
        {
            model = await GrainFactory.GetGrain<IModelRegistryGrain>(0).ResolveAsync(request.Model);
        }
        catch (KeyNotFoundException e)
        {
            throw new ArgumentException(e.Message.StartsWith("model:", StringComparison.Ordinal) ? e.Message : $"model: {e.Message}");
        }
        IReadOnlyList<string> ids = request.PieceIds?.Distinct().ToList() ?? await WholeLibraryAsync();
        await SaveAsync(new ScoringJobProgress(this.GetPrimaryKey(), ScoringJobStatus.Running, ids.Count, 0, 0, model.ModelId, model.CheckpointId, clock.GetUtcNow(), null));
        cancellation = new CancellationTokenSource();
        DelayDeactivation(TimeSpan.FromHours(6));
        _ = RunAsync(ids, model, cancellation.Token);
        return state.State.Progress!;
    }

    public Task<ScoringJobProgress?> GetAsync() => Task.FromResult(state.State.Progress);

    protected override ScoringJobProgress? ReadValue() => state.State.Progress;

    public Task CancelAsync()
    {
        cancellation?.Cancel();
        return Task.CompletedTask;
    }

    private async Task<IReadOnlyList<string>> WholeLibraryAsync()
    {
        var library = GrainFactory.GetGrain<ILibraryGrain>(0);
        var ids = new List<string>();
        for (int skip = 0; ; skip += LibraryQuery.MaxTake)
        {
            LibraryPage page = await library.ListAsync(new LibraryQuery(Skip: skip, Take: LibraryQuery.MaxTake));
            ids.AddRange(page.Items.Select(i => i.Id));
            if (page.Items.Count < LibraryQuery.MaxTake || ids.Count >= page.Total) return ids;
        }
    }

    private async Task RunAsync(IReadOnlyList<string> ids, ModelRef model, CancellationToken cancelled)
    {
        var slices = ids.Chunk(SliceSize).ToList();
        try
        {
            for (int first = 0; first < slices.Count; first += ParallelSlices)
            {
                if (cancelled.IsCancellationRequested)
                {
                    await SaveAsync(state.State.Progress! with { Status = ScoringJobStatus.Cancelled });
                    return;
                }
                var running = slices.Skip(first).Take(ParallelSlices).Select((slice, i) =>
                    GrainFactory.GetGrain<IScoringShardGrain>($"{this.GetPrimaryKey():N}/{first + i}").ScoreAsync(slice, model.ToString()));
                foreach (ShardResult result in await Task.WhenAll(running))
                {
                    var p = state.State.Progress!;
                    await SaveAsync(p with { Done = p.Done + result.Done, Failed = p.Failed + result.Failed });
                }
            }
            await SaveAsync(state.State.Progress! with { Status = ScoringJobStatus.Completed });
        }
        catch (Exception e)
        {
            logger.LogError(e, "Scoring job {Job} failed", this.GetPrimaryKey());
            await SaveAsync(state.State.Progress! with { Status = ScoringJobStatus.Failed, Error = e.Message });
        }
        finally
        {
            DelayDeactivation(TimeSpan.Zero);
        }
    }

    private async Task SaveAsync(ScoringJobProgress progress)
    {
        state.State = new ScoringJobState { Progress = progress };
        await state.WriteStateAsync();
        await PublishAsync(progress);
    }
}
