using System.Collections.Concurrent;
using MusicCluster.Music.Models;
using MusicCluster.Music.Scoring;
using static TorchSharp.torch;
using MusicPieceScore = MusicCluster.Music.Scoring.PieceScore;

namespace MusicCluster.Grains.Inference;

/// <summary>
/// The one thread that runs one loaded model on a silo. Every generation session and scorer on the silo hands it
/// work; each turn of its loop it admits new sequences, runs every active sequence's next token as ONE batched step
/// (each sequence at its own position in a <see cref="SlotKvCache"/>), and scores all waiting pieces in one critic
/// batch. A session's tokens equal what <see cref="Sampler.Sample"/> draws for the same primer, options and seed:
/// the same <see cref="SamplingSequence"/> picks them from logits that differ from the unbatched ones only by float
/// rounding (a draw can only differ when it lands within rounding of a boundary between two tokens).
/// Nothing here runs on the Orleans scheduler.
/// </summary>
public sealed class ModelWorker : IDisposable
{
    private readonly BlockingCollection<object> inbox = new();
    private readonly Queue<GenerationJob> waiting = new();
    private readonly List<GenerationJob> active = [];
    private readonly Stack<int> freeSlots;
    private readonly BatchRecorder recorder;
    private readonly CancellationTokenSource stopping = new();
    private readonly Thread thread;
    private readonly int contextLength;

    private sealed record ScoreWork(IReadOnlyList<int> Tokens, TaskCompletionSource<MusicPieceScore> Result);

    public ModelWorker(LoadedModel model, int maxBatch)
    {
        Model = model;
        MaxBatch = maxBatch;
        contextLength = model.Generator.Config.ContextLength;
        freeSlots = new Stack<int>(Enumerable.Range(0, maxBatch).Reverse());
        recorder = new BatchRecorder(model.Ref.ToString());
        thread = new Thread(Run) { IsBackground = true, Name = $"inference {model.Ref}" };
        thread.Start();
    }

    public LoadedModel Model { get; }

    public int MaxBatch { get; }

    public InferenceStatistics Statistics => recorder.Snapshot();

    /// <summary>Starts generating a continuation of <paramref name="primer"/>; the job reports as the worker samples.</summary>
    /// <param name="stream">The random stream of the options' seed to draw from (a batch's sequence index in <see cref="Sampler.SampleBatch"/>).</param>
    /// <param name="liveScore">Whether the job scores its bars as they complete (critic-guided candidates are scored once, whole).</param>
    /// <param name="melody">What a harmony model reads besides the tokens (<see cref="Sampler.SampleBatch"/>'s melodies).</param>
    public GenerationJob Generate(IReadOnlyList<int> primer, SamplingOptions options, ITokenConstraint? constraint, CancellationToken cancellation = default,
        int stream = 0, bool liveScore = true, MelodyConditioning? melody = null)
    {
        options.EnsureValid(Model.Generator.Config.VocabSize);
        if (melody is not null && !Model.Generator.HasMelodyEncoder)
            throw new ArgumentException($"model {Model.Ref} has no melody encoder to read a melody with", nameof(melody));
        var sequence = new SamplingSequence(primer, options, Model.Generator.Config.VocabSize, constraint, stream);
        var job = new GenerationJob(sequence, liveScore ? Model.Scorer?.StartLive() : null, cancellation, melody);
        Post(job);
        return job;
    }

    /// <summary>Scores a whole token sequence with the critic (batched with other waiting pieces).</summary>
    public Task<MusicPieceScore> ScoreAsync(IReadOnlyList<int> tokens)
    {
        if (Model.Scorer is null) throw new InvalidOperationException($"model {Model.Ref} has no critic calibration, so it cannot score");
        if (tokens.Count == 0) throw new ArgumentException("tokens: nothing to score", nameof(tokens));
        var work = new ScoreWork(tokens, new TaskCompletionSource<MusicPieceScore>(TaskCreationOptions.RunContinuationsAsynchronously));
        Post(work);
        return work.Result.Task;
    }

    private void Post(object work)
    {
        try
        {
            inbox.Add(work);
        }
        catch (InvalidOperationException)
        {
            throw new ObjectDisposedException($"the inference worker of {Model.Ref} has stopped");
        }
    }

    private void Run()
    {
        using var noGradient = no_grad();
        using var slots = Model.Generator.NewSlotCache(MaxBatch);
        using var primerCache = Model.Generator.NewCache(1);
        var scoring = new List<ScoreWork>();
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                // Idle: sleep until work arrives. Busy: take whatever has arrived meanwhile, without waiting.
                if (active.Count == 0 && waiting.Count == 0)
                {
                    if (!inbox.TryTake(out object? first, Timeout.Infinite, stopping.Token)) continue;
                    Accept(first, scoring);
                }
                while (inbox.TryTake(out object? more)) Accept(more, scoring);

                if (scoring.Count > 0)
                {
                    ScoreAll(scoring);
                    scoring.Clear();
                }
                Admit(slots);
                if (active.Count > 0) StepAll(slots, primerCache);
                recorder.Active(active.Count);
                recorder.Waiting(waiting.Count);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            var stopped = new ObjectDisposedException($"the inference worker of {Model.Ref} has stopped");
            recorder.Active(0); // a stopped worker holds nothing: its gauges go back to zero
            recorder.Waiting(0);
            foreach (var job in active.Concat(waiting))
            {
                job.EncodedMelody?.Dispose();
                job.Fail(stopped);
            }
            foreach (var work in scoring) work.Result.TrySetException(stopped);
        }
    }

    private void Accept(object work, List<ScoreWork> scoring)
    {
        switch (work)
        {
            case GenerationJob job:
                waiting.Enqueue(job);
                break;
            case ScoreWork score:
                scoring.Add(score);
                break;
        }
    }

    private void Admit(SlotKvCache slots)
    {
        while (waiting.Count > 0 && freeSlots.Count > 0)
        {
            var job = waiting.Dequeue();
            if (job.Cancellation.IsCancellationRequested)
            {
                job.Fail(new OperationCanceledException(job.Cancellation));
                continue;
            }
            job.Slot = freeSlots.Pop();
            slots.Clear(job.Slot);
            active.Add(job);
            try
            {
                job.EncodedMelody = job.Melody?.Encode(Model.Generator);
                // The live score sees the primer too: the finished piece is scored as a whole.
                job.Live?.Feed(job.Sequence.Tokens.ToArray());
            }
            catch (Exception error)
            {
                End(job, error);
            }
        }
    }

    /// <summary>One token for every active sequence: primer passes one by one, all the others in one batched step.</summary>
    private void StepAll(SlotKvCache slots, KvCache primerCache)
    {
        foreach (var job in active.ToArray())
            if (job.Cancellation.IsCancellationRequested) End(job, new OperationCanceledException(job.Cancellation));

        var batched = new List<GenerationJob>();
        foreach (var job in active.ToArray())
        {
            int length = job.Sequence.Tokens.Count;
            if (length - job.WindowStart > contextLength)
            {
                // As Sampler does: continue from the last half of the window, rebuilding the cache from it.
                job.WindowStart = length - Math.Max(1, contextLength / 2);
                job.NeedsPrimerPass = true;
            }
            if (!job.NeedsPrimerPass)
            {
                batched.Add(job);
                continue;
            }
            try
            {
                float[] logits = PrimerPass(job, slots, primerCache);
                Append(job, logits);
            }
            catch (Exception error)
            {
                End(job, error);
            }
        }
        if (batched.Count == 0) return;

        float[] all;
        try
        {
            using var melodies = MelodyRows(batched);
            all = Model.Generator.StepSlots(batched.Select(j => j.Sequence.Tokens[^1]).ToArray(), batched.Select(j => j.Slot).ToArray(), slots, melodies);
        }
        catch (Exception error)
        {
            foreach (var job in batched) End(job, error);
            return;
        }
        recorder.Step(batched.Count);
        int vocab = Model.Generator.Config.VocabSize;
        for (int row = 0; row < batched.Count; row++)
        {
            try
            {
                Append(batched[row], all.AsSpan(row * vocab, vocab).ToArray());
            }
            catch (Exception error)
            {
                End(batched[row], error);
            }
        }
    }

    private float[] PrimerPass(GenerationJob job, SlotKvCache slots, KvCache primerCache)
    {
        using var scope = NewDisposeScope();
        primerCache.Reset();
        var window = job.Sequence.Tokens.Skip(job.WindowStart).Select(t => (long)t).ToArray();
        var melody = job.Melody?.Window(job.EncodedMelody!, job.WindowStart, window.Length);
        var logits = Model.Generator.Step(tensor(window, [1, window.Length], dtype: int64, device: Model.Generator.Device), primerCache, melody);
        float[] last = logits.select(1, -1).to(float32).cpu().contiguous().data<float>().ToArray();
        slots.Load(job.Slot, primerCache);
        job.NeedsPrimerPass = false;
        recorder.PrimerPass();
        return last;
    }

    /// <summary>Each batched job's melody context at the position it feeds [rows, width] (zeros for jobs without one); null when none has one.</summary>
    private Tensor? MelodyRows(List<GenerationJob> batched)
    {
        if (batched.All(j => j.Melody is null)) return null;
        using var scope = NewDisposeScope();
        var rows = batched.Select(j => j.Melody is { } melody
            ? melody.Window(j.EncodedMelody!, j.Sequence.Tokens.Count - 1, 1).squeeze(0)
            : zeros(1, Model.Generator.Config.ModelWidth, dtype: float32, device: Model.Generator.Device)).ToArray();
        return scope.MoveToOuter(cat(rows, 0));
    }

    private void Append(GenerationJob job, float[] logits)
    {
        int token = job.Sequence.Append(logits);
        IReadOnlyList<BarScore> bars = job.Live?.Feed(token) ?? [];
        job.Report(new GenerationProgress([token], bars));
        if (job.Sequence.Stopped is null) return;

        int reported = job.Live?.RawBars.Count ?? 0;
        MusicPieceScore? score = job.Live?.Finish();
        if (score is not null && score.Bars.Count > reported)
        {
            // Finish scores the bar still open at the end (an event piece's last bar; a grid piece's bars are scored
            // as soon as their last cell arrives, so nothing is left): report it like the others, before the outcome.
            var last = Enumerable.Range(reported, score.Bars.Count - reported)
                .Select(b => new BarScore(b, score.Bars[b], score.RawBars[b], score.ModelId, score.CheckpointId)).ToList();
            job.Report(new GenerationProgress([], last));
        }
        Release(job);
        job.Complete(new GenerationOutcome(job.Sequence.ToResult(), score));
    }

    private void End(GenerationJob job, Exception error)
    {
        Release(job);
        job.Fail(error);
    }

    private void Release(GenerationJob job)
    {
        job.EncodedMelody?.Dispose();
        job.EncodedMelody = null;
        if (active.Remove(job) && job.Slot >= 0) freeSlots.Push(job.Slot);
    }

    private void ScoreAll(List<ScoreWork> work)
    {
        var scorer = Model.Scorer!;
        // Each piece's windows go into one critic batch: windows are scored independently, so pieces can share one.
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

    public void Dispose()
    {
        stopping.Cancel();
        inbox.CompleteAdding();
        if (Thread.CurrentThread != thread) thread.Join();
        Model.Dispose();
    }
}
