using System.Collections.Concurrent;
using MusicCluster.Music.Models;
using MusicCluster.Music.Scoring;
using static TorchSharp.torch;
using MusicPieceScore = MusicCluster.Music.Scoring.PieceScore;

namespace MusicCluster.Grains.Inference;

/// <summary>
/// The one thread that runs one loaded model on a silo. Every generation session and scorer on the silo hands it
/// work; each turn of its loop it admits new sequences (live ones first: see <see cref="WorkPriority"/>), runs the
/// primer passes of the sequences that need one, grouped by window length into batched passes written straight
/// into their slots, runs every other active sequence's next token as ONE batched step (each sequence at its own
/// position in a <see cref="SlotKvCache"/>; sequences join and leave between any two steps without a cache copy),
/// and hands the bars they completed to the model's <see cref="CriticLane"/>, which scores them (and whole pieces) on a
/// thread of its own. A session's tokens equal what <see cref="Sampler.Sample"/> draws for the same primer, options and seed:
/// the same <see cref="SamplingSequence"/> picks them from logits that differ from the unbatched ones only by float
/// rounding (a draw can only differ when it lands within rounding of a boundary between two tokens).
/// Nothing here runs on the Orleans scheduler.
/// </summary>
public sealed class ModelWorker : IDisposable
{
    /// <summary>Background pieces scored per turn while live sequences run (all of them when none does).</summary>
    public const int BackgroundScoresPerTurn = 1;

    private readonly BlockingCollection<GenerationJob> inbox = new();
    private readonly Queue<GenerationJob> waitingLive = new();
    // Background jobs in the order they run; a job that gave its row back to live work goes first again.
    private readonly LinkedList<GenerationJob> waitingBackground = new();
    private readonly List<GenerationJob> active = [];
    // The lowest free slot is taken first, so the slots stepped stay packed low (SlotKvCache attends over 0..highest).
    private readonly SortedSet<int> freeSlots;
    private readonly CriticLane? critic;
    private readonly LiveWork? liveWork;
    private readonly int? torchThreads;
    private readonly BatchRecorder recorder;
    private readonly CancellationTokenSource stopping = new();
    private readonly Thread thread;
    private readonly int contextLength;
    private long stepNumber;

    /// <param name="liveWork">The silo's count of live work in hand, which background work outside the engine waits on (null: not counted).</param>
    /// <param name="torchThreads">libtorch threads of the worker's thread (OpenMP counts them per thread); null or 0: the process's rule
    /// (<see cref="Music.Runtime.TorchThreads"/>).</param>
    public ModelWorker(LoadedModel model, int maxBatch, LiveWork? liveWork = null, int? torchThreads = null)
    {
        Model = model;
        MaxBatch = maxBatch;
        this.liveWork = liveWork;
        this.torchThreads = torchThreads;
        contextLength = model.Generator.Config.ContextLength;
        freeSlots = new SortedSet<int>(Enumerable.Range(0, maxBatch));
        recorder = new BatchRecorder(model.Ref.ToString());
        if (model.Scorer is not null) critic = new CriticLane(model, model.Scorer, recorder, torchThreads);
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
    /// <param name="priority">Live (a session someone watches) or background (seeding, rescoring): see <see cref="WorkPriority"/>.</param>
    public GenerationJob Generate(IReadOnlyList<int> primer, SamplingOptions options, ITokenConstraint? constraint, CancellationToken cancellation = default,
        int stream = 0, bool liveScore = true, MelodyConditioning? melody = null, WorkPriority priority = WorkPriority.Live)
    {
        options.EnsureValid(Model.Generator.Config.VocabSize);
        if (melody is not null && !Model.Generator.HasMelodyEncoder)
            throw new ArgumentException($"model {Model.Ref} has no melody encoder to read a melody with", nameof(melody));
        var sequence = new SamplingSequence(primer, options, Model.Generator.Config.VocabSize, constraint, stream);
        bool counted = CountLive(priority);
        var job = new GenerationJob(sequence, liveScore ? Model.Scorer?.StartLive() : null, cancellation, melody, priority, counted ? liveWork!.End : null);
        Post(job, counted);
        return job;
    }

    /// <summary>Scores a whole token sequence with the critic (batched with other waiting pieces; background pieces after live ones).</summary>
    public Task<MusicPieceScore> ScoreAsync(IReadOnlyList<int> tokens, WorkPriority priority = WorkPriority.Live)
    {
        if (Model.Scorer is null) throw new InvalidOperationException($"model {Model.Ref} has no critic calibration, so it cannot score");
        if (tokens.Count == 0) throw new ArgumentException("tokens: nothing to score", nameof(tokens));
        var work = new CriticLane.ScoreWork(tokens, new TaskCompletionSource<MusicPieceScore>(TaskCreationOptions.RunContinuationsAsynchronously), priority);
        bool counted = CountLive(priority);
        if (!critic!.TryPost(work))
        {
            if (counted) liveWork!.End();
            throw Stopped();
        }
        if (!counted) return work.Result.Task;
        return work.Result.Task.ContinueWith(done =>
        {
            liveWork!.End();
            return done;
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).Unwrap();
    }

    private bool CountLive(WorkPriority priority)
    {
        if (liveWork is null || priority != WorkPriority.Live) return false;
        liveWork.Begin();
        return true;
    }

    private void Post(GenerationJob work, bool counted)
    {
        try
        {
            inbox.Add(work);
        }
        catch (InvalidOperationException)
        {
            if (counted) liveWork!.End();
            throw Stopped();
        }
    }

    private void Run()
    {
        if (torchThreads is > 0) Music.Runtime.TorchThreads.Use(torchThreads.Value);
        using var noGradient = no_grad();
        using var slots = Model.Generator.NewSlotCache(MaxBatch);
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                // Idle: sleep until work arrives. Busy: take whatever has arrived meanwhile, without waiting.
                if (active.Count == 0 && waitingLive.Count == 0 && waitingBackground.Count == 0)
                {
                    if (critic is not null) critic.LiveRuns = false;
                    if (!inbox.TryTake(out GenerationJob? first, Timeout.Infinite, stopping.Token)) continue;
                    Accept(first);
                }
                while (inbox.TryTake(out GenerationJob? more)) Accept(more);

                Admit(slots);
                if (critic is not null) critic.LiveRuns = waitingLive.Count > 0 || active.Any(j => j.Priority == WorkPriority.Live);
                if (active.Count > 0) StepAll(slots);
                recorder.Active(active.Count);
                recorder.Waiting(waitingLive.Count + waitingBackground.Count);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            var stopped = Stopped();
            recorder.Active(0); // a stopped worker holds nothing: its gauges go back to zero
            recorder.Waiting(0);
            foreach (var job in active.Concat(waitingLive).Concat(waitingBackground))
            {
                job.EncodedMelody?.Dispose();
                job.Fail(stopped);
            }
        }
    }

    private void Accept(GenerationJob job)
    {
        if (job.Priority == WorkPriority.Live) waitingLive.Enqueue(job);
        else waitingBackground.AddLast(job);
    }

    /// <summary>
    /// Gives waiting sequences free slots: live ones first, taking the rows of running background ones when no slot is
    /// free (the newest background job gives its row back and waits at the front of its queue; its slot is rebuilt from
    /// its tokens when it runs again, so its tokens do not change); background ones only when no live one waits.
    /// </summary>
    private void Admit(SlotKvCache slots)
    {
        while (waitingLive.Count > 0)
        {
            if (freeSlots.Count == 0 && !Preempt()) break;
            Start(waitingLive.Dequeue(), slots);
        }
        while (waitingLive.Count == 0 && waitingBackground.Count > 0 && freeSlots.Count > 0)
        {
            var job = waitingBackground.First!.Value;
            waitingBackground.RemoveFirst();
            Start(job, slots);
        }
    }

    private bool Preempt()
    {
        int index = active.FindLastIndex(j => j.Priority == WorkPriority.Background);
        if (index < 0) return false;
        var job = active[index];
        active.RemoveAt(index);
        freeSlots.Add(job.Slot);
        job.Slot = -1;
        job.NeedsPrimerPass = true;
        waitingBackground.AddFirst(job);
        recorder.Preempted();
        return true;
    }

    private void Start(GenerationJob job, SlotKvCache slots)
    {
        if (job.Cancellation.IsCancellationRequested)
        {
            job.EncodedMelody?.Dispose();
            job.EncodedMelody = null;
            job.Fail(new OperationCanceledException(job.Cancellation));
            return;
        }
        job.Slot = freeSlots.Min;
        freeSlots.Remove(job.Slot);
        slots.Clear(job.Slot);
        active.Add(job);
        if (job.Started) return; // a background job resuming after giving its row back
        job.Started = true;
        try
        {
            job.EncodedMelody = job.Melody?.Encode(Model.Generator);
            // The live score sees the primer too (the finished piece is scored as a whole); its bars are scored, not reported.
            job.Live?.Add(job.Sequence.Tokens.ToArray());
            if (job.Live?.TakeUnscored() is { } primerBars) HandOver(new CriticLane.LiveBars([(job, primerBars, false)]), [job]);
        }
        catch (Exception error)
        {
            End(job, error);
        }
    }

    /// <summary>One token for every active sequence: primer passes batched by window length, all the others in one batched step.</summary>
    private void StepAll(SlotKvCache slots)
    {
        foreach (var job in active.ToArray())
        {
            if (job.Completion.IsCompleted) Release(job); // its bars could not be scored: the critic failed it
            else if (job.Cancellation.IsCancellationRequested) End(job, new OperationCanceledException(job.Cancellation));
        }

        var batched = new List<GenerationJob>();
        var priming = new List<GenerationJob>();
        foreach (var job in active)
        {
            int length = job.Sequence.Tokens.Count;
            if (length - job.WindowStart > contextLength)
            {
                // As Sampler does: continue from the last half of the window, rebuilding the cache from it.
                job.WindowStart = length - Math.Max(1, contextLength / 2);
                job.NeedsPrimerPass = true;
            }
            (job.NeedsPrimerPass ? priming : batched).Add(job);
        }
        foreach (var group in priming.GroupBy(j => j.Sequence.Tokens.Count - j.WindowStart).ToList())
            PrimerPass(group.OrderBy(j => j.Slot).ToList(), slots);
        if (batched.Count == 0) return;

        // Rows in slot order: when the slots stepped are exactly 0..n-1, attention reads the cache with no scatter at all.
        batched.Sort((a, b) => a.Slot.CompareTo(b.Slot));
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
        recorder.Step(batched.Count, batched.Count(j => j.Priority == WorkPriority.Background));
        foreach (var job in batched)
        {
            if (job.FirstStep < 0) job.FirstStep = stepNumber;
            job.LastStep = stepNumber;
        }
        stepNumber++;
        AppendRows(batched, all);
    }

    /// <summary>Rebuilds the slots of jobs whose windows have one length, in one batched pass, and appends each one's next token.</summary>
    private void PrimerPass(List<GenerationJob> jobs, SlotKvCache slots)
    {
        float[] logits;
        try
        {
            using var scope = NewDisposeScope();
            int length = jobs[0].Sequence.Tokens.Count - jobs[0].WindowStart;
            Tensor? melodies = null;
            if (jobs.Any(j => j.Melody is not null))
                melodies = cat(jobs.Select(j => j.Melody is { } melody
                    ? melody.Window(j.EncodedMelody!, j.WindowStart, length)
                    : zeros(1, length, Model.Generator.Config.ModelWidth, dtype: float32, device: Model.Generator.Device)).ToArray(), 0);
            logits = Model.Generator.PrefillSlots(jobs.Select(j => (IReadOnlyList<int>)j.Window()).ToArray(), jobs.Select(j => j.Slot).ToArray(), slots, melodies);
        }
        catch (Exception error)
        {
            foreach (var job in jobs) End(job, error);
            return;
        }
        foreach (var job in jobs) job.NeedsPrimerPass = false;
        recorder.PrimerPass(jobs.Count);
        AppendRows(jobs, logits);
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

    /// <summary>
    /// Draws each job's next token from its row of logits and reports it; the bars they complete go to the critic
    /// lane in one batch, and a job that has stopped gives its row back at once (the lane completes it with its score).
    /// </summary>
    private void AppendRows(List<GenerationJob> jobs, float[] logits)
    {
        int vocab = Model.Generator.Config.VocabSize;
        var bars = new List<(GenerationJob, LiveBarsRequest, bool)>();
        var stopped = new List<GenerationJob>();
        for (int row = 0; row < jobs.Count; row++)
        {
            var job = jobs[row];
            try
            {
                int token = job.Sequence.Append(logits.AsSpan(row * vocab, vocab));
                job.Live?.Add([token]);
                job.ReportToken(token);
                if (job.Live?.TakeUnscored() is { } request)
                {
                    job.ReportHeldTokens(); // the bar's score comes after the tokens that completed it
                    bars.Add((job, request, true));
                }
                if (job.Sequence.Stopped is not null)
                {
                    job.ReportHeldTokens();
                    stopped.Add(job);
                }
            }
            catch (Exception error)
            {
                End(job, error);
            }
        }
        if (bars.Count > 0) HandOver(new CriticLane.LiveBars(bars), bars.Select(b => b.Item1));
        foreach (var job in stopped)
        {
            Release(job);
            var sequence = job.Sequence.ToResult();
            if (job.Live is null) job.Complete(new GenerationOutcome(sequence, null));
            else HandOver(new CriticLane.Finish(job, sequence), [job]);
        }
    }

    /// <summary>Posts critic work; the lane has stopped only when the worker is being disposed: the jobs fail.</summary>
    private void HandOver(object work, IEnumerable<GenerationJob> jobs)
    {
        if (critic!.TryPost(work)) return;
        var stopped = Stopped();
        foreach (var job in jobs) End(job, stopped);
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
        if (active.Remove(job) && job.Slot >= 0) freeSlots.Add(job.Slot);
        job.Slot = -1;
    }

    /// <summary>What work posted to, or left in, a worker that has stopped fails with.</summary>
    private ObjectDisposedException Stopped() => new($"the inference worker of {Model.Ref} has stopped");

    public void Dispose()
    {
        stopping.Cancel();
        inbox.CompleteAdding();
        if (Thread.CurrentThread != thread) thread.Join();
        critic?.Dispose();
        Model.Dispose();
    }
}
