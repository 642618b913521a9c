using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using MusicCluster.Grains.Inference;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Training;

namespace MusicCluster.Grains.Library;

/// <summary>
/// Generates starter pieces on one dedicated, below-normal-priority thread of its own, never on the Orleans
/// scheduler or the thread pool: a batch takes seconds to minutes of forward passes. The shipped model (generator,
/// critic and calibration) is loaded on that thread at the first request and kept until the silo stops.
/// </summary>
public sealed class StarterLibraryEngine : IDisposable
{
    private sealed record Work(IReadOnlyList<int> Indexes, TaskCompletionSource<IReadOnlyList<StarterPiece>> Result, CancellationToken Cancellation);

    private readonly BlockingCollection<Work> _queue = new();
    private readonly LibrarySeedingSettings _settings;
    private readonly IScoringModelSource _models;
    private readonly ILogger<StarterLibraryEngine> _logger;
    private readonly Lock _gate = new();
    private Thread? _thread;
    private ScoringModel? _model;
    private StarterPieceGenerator? _generator;

    private readonly LiveWork? _liveWork;

    /// <param name="liveWork">The silo's live work: each batch starts only when none is in hand, so seeding never competes with live sessions.</param>
    public StarterLibraryEngine(LibrarySeedingSettings settings, IScoringModelSource models, ILogger<StarterLibraryEngine> logger, LiveWork? liveWork = null)
    {
        _settings = settings;
        _models = models;
        _logger = logger;
        _liveWork = liveWork;
    }

    /// <summary>Generates and scores the pieces with these indexes as one batch.</summary>
    public Task<IReadOnlyList<StarterPiece>> GenerateAsync(IReadOnlyList<int> indexes, CancellationToken cancellation)
    {
        var work = new Work(indexes, new TaskCompletionSource<IReadOnlyList<StarterPiece>>(TaskCreationOptions.RunContinuationsAsynchronously), cancellation);
        EnsureThread();
        try
        {
            _queue.Add(work, CancellationToken.None);
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            // The silo is stopping: the engine takes no more work.
            work.Result.TrySetCanceled(CancellationToken.None);
        }
        return work.Result.Task;
    }

    private void EnsureThread()
    {
        lock (_gate)
        {
            if (_thread is not null) return;
            _thread = new Thread(Loop) { IsBackground = true, Name = "starter-library", Priority = ThreadPriority.BelowNormal };
            _thread.Start();
        }
    }

    private void Loop()
    {
        // libtorch's intra-op thread count is per calling thread (OpenMP): this limits seeding only.
        TorchSharp.torch.set_num_threads(_settings.Threads);
        foreach (Work work in _queue.GetConsumingEnumerable())
        {
            if (work.Cancellation.IsCancellationRequested) { work.Result.TrySetCanceled(work.Cancellation); continue; }
            try
            {
                // Live work first (issue 15): a batch waits while sessions or users' scores are in hand on this silo.
                _liveWork?.WaitUntilIdle(work.Cancellation);
                _generator ??= LoadGenerator();
                work.Result.TrySetResult(_generator.GenerateBatch(work.Indexes, work.Cancellation));
            }
            catch (OperationCanceledException e)
            {
                work.Result.TrySetCanceled(e.CancellationToken);
            }
            catch (Exception e)
            {
                work.Result.TrySetException(e);
            }
        }
    }

    private StarterPieceGenerator LoadGenerator()
    {
        _model = _models.Load(null);
        _logger.LogInformation("Starter library: generating with {ModelId}/{CheckpointId}, {Bars} bars per piece, batches of {BatchSize}, {Candidates} candidates per bar",
            _model.ModelId, _model.CheckpointId, _settings.Bars, _settings.BatchSize, _settings.Candidates);
        return new StarterPieceGenerator(_model, new StarterPieceOptions { Bars = _settings.Bars, BatchSize = _settings.BatchSize, Candidates = _settings.Candidates });
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        // A batch in progress finishes on its own (the seeder cancels it); the model is freed once the thread is done.
        if (_thread is not null && !_thread.Join(TimeSpan.FromSeconds(30))) return;
        _model?.Dispose();
        _queue.Dispose();
    }
}
