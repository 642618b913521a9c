using System.Collections.Concurrent;
using MusicCluster.Music.Models;
using MusicCluster.Music.Scoring;
using static TorchSharp.torch;
using MusicPieceScore = MusicCluster.Music.Scoring.PieceScore;

namespace MusicCluster.Grains.Inference;

/// <summary>
/// The one thread that runs a loaded model's critic on a silo, beside its <see cref="ModelWorker"/>'s generator
/// thread: the live scores of the bars sessions complete, the last bar and the whole score of a finished sequence,
/// and whole pieces scored on request (critic-guided candidates, rescoring jobs). A sequence's tokens never wait for
/// the critic: the worker hands completed bars over and steps on, so on a machine with a core to spare the critic's
/// passes (a window of bars each, as costly as tens of generation steps) overlap with generation instead of
/// stopping it. Bar scores therefore reach a session a few steps after the token that completed the bar. The
/// critic's scorer is used on this thread only (it is not thread-safe).
/// </summary>
internal sealed class CriticLane : IDisposable
{
    private readonly BlockingCollection<object> inbox = new();
    private readonly List<ScoreWork> background = [];
    private readonly CriticScorer scorer;
    private readonly BatchRecorder recorder;
    private readonly int? torchThreads;
    private readonly Thread thread;
    private volatile bool liveRuns;

    /// <summary>Bars of live sequences completed at one generation step, scored in one critic batch (Report: tell the job; false for a primer's bars).</summary>
    public sealed record LiveBars(IReadOnlyList<(GenerationJob Job, LiveBarsRequest Request, bool Report)> Requests);

    /// <summary>A sequence the worker has stopped: its last bar is scored and the job completed, after every bar handed over before it.</summary>
    public sealed record Finish(GenerationJob Job, SampledSequence Sequence);

    /// <summary>A whole token sequence to score (<see cref="ModelWorker.ScoreAsync"/>).</summary>
    public sealed record ScoreWork(IReadOnlyList<int> Tokens, TaskCompletionSource<MusicPieceScore> Result, WorkPriority Priority);

    public CriticLane(LoadedModel model, CriticScorer scorer, BatchRecorder recorder, int? torchThreads)
    {
        this.scorer = scorer;
        this.recorder = recorder;
        this.torchThreads = torchThreads;
        thread = new Thread(Run) { IsBackground = true, Name = $"critic {model.Ref}" };
        thread.Start();
    }

    /// <summary>Set by the worker each turn: while live sequences run, background pieces are scored one per turn.</summary>
    public bool LiveRuns
    {
        set => liveRuns = value;
    }

    /// <summary>Queues work; false when the lane has stopped (the caller fails what it posted).</summary>
    public bool TryPost(object work)
    {
        try
        {
            inbox.Add(work);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private void Run()
    {
        if (torchThreads is > 0) Music.Runtime.TorchThreads.Use(torchThreads.Value);
        // Gradient mode is per thread in libtorch.
        using var noGradient = no_grad();
        var live = new List<(GenerationJob Job, LiveBarsRequest Request, bool Report)>();
        var finishing = new List<Finish>();
        var scoring = new List<ScoreWork>();
        try
        {
            while (true)
            {
                // Idle: sleep until work arrives. Background pieces waiting: take whatever has arrived, without waiting.
                if (background.Count == 0)
                {
                    if (!inbox.TryTake(out object? first, Timeout.Infinite)) break; // completed: the lane stops
                    Accept(first, live, finishing, scoring);
                }
                while (inbox.TryTake(out object? more)) Accept(more, live, finishing, scoring);

                if (live.Count > 0) ScoreLiveBars(live);
                foreach (var finish in finishing) Complete(finish);
                TakeBackground(scoring);
                if (scoring.Count > 0) ScoreAll(scoring);
                live.Clear();
                finishing.Clear();
                scoring.Clear();
            }
        }
        finally
        {
            var stopped = new ObjectDisposedException("the critic of this model has stopped");
            foreach (var (job, _, _) in live) job.Fail(stopped);
            foreach (var finish in finishing) finish.Job.Fail(stopped);
            foreach (var work in scoring.Concat(background)) work.Result.TrySetException(stopped);
            while (inbox.TryTake(out object? left))
                switch (left)
                {
                    case LiveBars bars: foreach (var (job, _, _) in bars.Requests) job.Fail(stopped); break;
                    case Finish finish: finish.Job.Fail(stopped); break;
                    case ScoreWork work: work.Result.TrySetException(stopped); break;
                }
        }
    }

    private void Accept(object work, List<(GenerationJob, LiveBarsRequest, bool)> live, List<Finish> finishing, List<ScoreWork> scoring)
    {
        switch (work)
        {
            case LiveBars bars:
                live.AddRange(bars.Requests);
                break;
            case Finish finish:
                finishing.Add(finish);
                break;
            case ScoreWork { Priority: WorkPriority.Live } score:
                scoring.Add(score);
                break;
            case ScoreWork score:
                background.Add(score);
                break;
        }
    }

    /// <summary>
    /// Every bar handed over since the last turn, of all sequences, in one critic batch. Requests of a job that has
    /// failed meanwhile are dropped; a job whose bars cannot be scored fails (the worker sees it and frees its row).
    /// A finish is handled after this, so its job's bars are recorded before its last bar is scored.
    /// </summary>
    private void ScoreLiveBars(List<(GenerationJob Job, LiveBarsRequest Request, bool Report)> live)
    {
        var scoring = live.Where(r => !r.Job.Completion.IsCompleted).ToList();
        if (scoring.Count == 0) return;
        IReadOnlyList<BarScore>[] scored;
        try
        {
            scored = CriticLiveScore.ScoreRequests(scoring.Select(r => r.Request).ToArray());
        }
        catch (Exception error)
        {
            foreach (var (job, _, _) in scoring) job.Fail(error);
            return;
        }
        recorder.LiveScoringBatch(scoring.Select(r => r.Job).Distinct().Count());
        for (int i = 0; i < scoring.Count; i++)
            if (scoring[i].Report && scored[i].Count > 0)
                scoring[i].Job.Report(new GenerationProgress([], scored[i]));
    }

    private static void Complete(Finish finish)
    {
        var job = finish.Job;
        if (job.Completion.IsCompleted) return;
        try
        {
            var live = job.Live!;
            int reported = live.RawBars.Count;
            MusicPieceScore score = live.Finish();
            if (score.Bars.Count > reported)
            {
                // Finish scores the bar still open at the end (an event piece's last bar; a grid piece's bars are
                // scored as soon as their last cell arrives, so nothing is left): report it like the others, before the outcome.
                var last = Enumerable.Range(reported, score.Bars.Count - reported)
                    .Select(b => new BarScore(b, score.Bars[b], score.RawBars[b], score.ModelId, score.CheckpointId)).ToList();
                job.Report(new GenerationProgress([], last));
            }
            job.Complete(new GenerationOutcome(finish.Sequence, score));
        }
        catch (Exception error)
        {
            job.Fail(error);
        }
    }

    /// <summary>Background pieces join this turn's critic batch: all of them when no live sequence runs, else one.</summary>
    private void TakeBackground(List<ScoreWork> scoring)
    {
        if (background.Count == 0) return;
        int take = liveRuns ? Math.Min(ModelWorker.BackgroundScoresPerTurn, background.Count) : background.Count;
        scoring.AddRange(background.Take(take));
        background.RemoveRange(0, take);
    }

    /// <summary>Whole pieces in one critic batch: windows are scored independently, so pieces can share one.</summary>
    private void ScoreAll(List<ScoreWork> work)
    {
        var tokens = new List<int>();
        var windows = new List<TokenWindow>();
        var ranges = new List<(ScoreWork Work, int First, int Count)>();
        foreach (var piece in work)
        {
            try
            {
                var own = scorer.Windows.Windows(piece.Tokens);
                ranges.Add((piece, windows.Count, own.Count));
                windows.AddRange(own.Select(w => new TokenWindow(w.Start + tokens.Count, w.End + tokens.Count)));
                tokens.AddRange(piece.Tokens);
            }
            catch (Exception error)
            {
                piece.Result.TrySetException(error);
            }
        }
        if (ranges.Count == 0) return;
        try
        {
            double[] raw = scorer.Windows.ScoreWindows(tokens, windows);
            recorder.ScoringBatch(ranges.Count);
            foreach (var (piece, first, count) in ranges)
                piece.Result.TrySetResult(scorer.FromRaw(raw.AsSpan(first, count).ToArray()));
        }
        catch (Exception error)
        {
            foreach (var (piece, _, _) in ranges) piece.Result.TrySetException(error);
        }
    }

    /// <summary>Stops after the work already queued is done (sequences waiting for their last bar complete).</summary>
    public void Dispose()
    {
        inbox.CompleteAdding();
        if (Thread.CurrentThread != thread) thread.Join();
        inbox.Dispose();
    }
}
