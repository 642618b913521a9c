using System.Globalization;
using Microsoft.Extensions.Logging;
using MusicCluster.Grains.Inference;
using MusicCluster.Grains.Interfaces;
using MusicCluster.Grains.Interfaces.Generation;
using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Grains.Interfaces.Models;
using MusicCluster.Grains.Library;
using MusicCluster.Grains.Live;
using MusicCluster.Music.Harmony;
using MusicCluster.Music.Midi;
using MusicCluster.Music.Models;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Training;
using Orleans.Utilities;

namespace MusicCluster.Grains.Generation;

/// <summary>
/// One generation. StartAsync checks the request, resolves the model, hands the sampling to this silo's inference
/// engine (its own thread, batched with the other sessions) and returns at once; a loop on this activation then
/// turns the tokens into notes and live bar scores, pushes them to observers, and stores the finished piece in the
/// library with its provenance and score. Placed at random, so sessions spread over the silos (each silo batches
/// the sessions it holds).
/// </summary>
[Orleans.Placement.RandomPlacement]
public sealed class GenerationSessionGrain(
    [PersistentState("generation", StorageNames.GrainState)] IPersistentState<GenerationSessionState> state,
    InferenceEngine engine,
    PieceAuthorship authorship,
    MidiLimits limits,
    TimeProvider clock,
    LiveUpdateSettings live,
    ILogger<GenerationSessionGrain> logger) : Grain, IGenerationSessionGrain
{
    private readonly ObserverManager<IGenerationObserver> observers = LiveObservers.Create<IGenerationObserver>(live, logger);
    // Every update sent by this activation (or, for an ended session, stored with it): the catch-up read serves them.
    private readonly List<GenerationUpdate> history = [];
    private readonly List<GeneratedNote> notes = [];
    private readonly List<BarScoreUpdate> bars = [];
    private CancellationTokenSource? cancellation;
    private GenerationSnapshot? running;
    // Set when this activation is deactivated mid-session: its job is cancelled and it sends nothing more.
    private bool leaving;
    private string primerLabel = "";

    // Set by a harmonisation or regeneration: how the finished grid becomes the piece, what its provenance adds, its title.
    private Func<Music.Tokens.ChoraleGrid, Piece>? assemble;
    private Dictionary<string, string> extraParameters = [];
    private string? defaultTitle;

    private Guid Id => this.GetPrimaryKey();

    public async Task<GenerationSnapshot> StartAsync(GenerationRequest request)
    {
        if (Current is { } existing) return existing;
        GenerationRequestValidator.Validate(request);
        if (request.Harmonisation is not null || request.Regeneration is not null) return await StartRewritingAsync(request);

        ModelRef model = await ResolveAsync(request.Model);
        Piece? primer = await ReadPrimerAsync(request);
        primerLabel = request.PrimerPieceId ?? (request.PrimerMidi is null ? "" : "uploaded MIDI");
        long seed = request.Seed ?? Random.Shared.NextInt64(0, int.MaxValue);
        ModelWorker worker = await LoadAsync(engine, model);

        var options = new SamplingOptions { Temperature = request.Temperature, TopK = request.TopK, TopP = request.TopP, Seed = seed };
        var tokenizer = worker.Model.Tokenizer;
        int[] primerTokens;
        try
        {
            primerTokens = PieceGeneration.PrimerTokens(tokenizer, primer, worker.Model.Generator.Config.ContextLength);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new ArgumentException($"{(request.PrimerPieceId is null ? "primerMidi" : "primerPieceId")}: the primer cannot be read by this model: {e.Message}");
        }
        options = options with { MaxNewTokens = PieceGeneration.TokenLimit(tokenizer, request.Bars) };

        int candidates = request.Candidates ?? (worker.Model.Scorer is null ? 1 : CriticGuidance.DefaultCandidates);
        cancellation = new CancellationTokenSource();
        IGenerationRun job = candidates == 1
            ? worker.Generate(primerTokens, options, PieceGeneration.ConstraintFor(tokenizer, request.Bars), cancellation.Token)
            : GuidedGenerationRun.Start(worker, primerTokens, options, request.Bars, candidates, cancellation.Token);
        request = request with { Candidates = candidates };
        running = new GenerationSnapshot(Id, GenerationStatus.Running, request with { PrimerMidi = null }, model.ModelId, model.CheckpointId, seed, [], [], 0,
            null, null, null, clock.GetUtcNow(), 0, RuntimeIdentity);
        state.State = new GenerationSessionState { Snapshot = running };
        await state.WriteStateAsync();
        // Keep this activation while the engine works, even when nobody asks for a while.
        DelayDeactivation(TimeSpan.FromHours(1));
        _ = FollowAsync(job, worker, new LiveNotes(tokenizer), primerTokens);
        return Snapshot();
    }

    /// <summary>
    /// A harmonisation (alto, tenor, bass under a melody) or a regeneration (bars of a library piece rewritten): the
    /// request's model is the chorale model whose critic chooses and scores; the harmony model samples whenever the
    /// soprano is kept. The session reports and stores like a generation; the piece keeps the given notes exactly.
    /// </summary>
    private async Task<GenerationSnapshot> StartRewritingAsync(GenerationRequest request)
    {
        ModelRef choraleRef = await ResolveAsync(request.Model);
        ModelWorker chorale = await LoadAsync(engine, choraleRef);
        if (chorale.Model.Tokenizer is not Music.Tokens.JsbGridTokenizer)
            throw new ArgumentException($"model: {choraleRef} writes {chorale.Model.Vocabulary.Kind} tokens; harmonising and regenerating need a four-part chorale model");

        GridRewrite rewrite;
        ModelWorker sampler;
        int bars;
        var extra = new Dictionary<string, string>();
        string title;
        if (request.Harmonisation is { } harmonisation)
        {
            (SopranoMelody melody, string source) = await ReadMelodyAsync(harmonisation);
            rewrite = GridRewrite.Harmonisation(melody);
            sampler = await LoadHarmonyAsync("melodyNotes");
            bars = melody.Bars;
            extra["melody"] = source;
            title = $"Harmonisation of {source}";
            primerLabel = "";
        }
        else
        {
            var regeneration = request.Regeneration!;
            Piece original = limits.Read(await ReadLibraryMidiAsync(regeneration.PieceId, "pieceId"), "pieceId");
            RegenerationPlan plan;
            try
            {
                plan = RegenerationPlan.For(original, regeneration.FromBar, regeneration.ToBar, RegenerationPlan.ParseVoices(regeneration.Voices));
            }
            catch (ArgumentException e) when (e.Message.StartsWith("piece:", StringComparison.Ordinal))
            {
                throw new ArgumentException($"pieceId: {e.Message["piece:".Length..].Trim()}");
            }
            rewrite = GridRewrite.Regeneration(plan);
            sampler = plan.UsesHarmonyModel ? await LoadHarmonyAsync("voices") : chorale;
            bars = plan.ToBar - plan.FromBar + 1;
            string voices = string.Join(",", plan.Voices.Select(v => Music.Tokens.ChoraleGrid.VoiceNames[v].ToLowerInvariant()));
            extra["regeneratedFrom"] = regeneration.PieceId;
            extra["regeneratedBars"] = $"{plan.FromBar}-{plan.ToBar}";
            extra["regeneratedVoices"] = voices;
            string originalTitle = string.IsNullOrWhiteSpace(original.Metadata.Title) ? regeneration.PieceId : original.Metadata.Title.Trim();
            title = $"{originalTitle}, bars {plan.FromBar}-{plan.ToBar} rewritten ({voices})";
            primerLabel = regeneration.PieceId;
        }

        long seed = request.Seed ?? Random.Shared.NextInt64(0, int.MaxValue);
        var options = new SamplingOptions { Temperature = request.Temperature, TopK = request.TopK, TopP = request.TopP, Seed = seed };
        int candidates = request.Candidates ?? (chorale.Model.Scorer is null ? 1 : CriticGuidance.DefaultCandidates);
        cancellation = new CancellationTokenSource();
        IGenerationRun job = RewritingRun.Start(sampler, chorale, rewrite, options, candidates, cancellation.Token);
        assemble = rewrite.Assemble;
        extraParameters = extra;
        defaultTitle = $"{title} (seed {seed})";
        var stored = request with
        {
            Bars = bars,
            Candidates = candidates,
            Harmonisation = request.Harmonisation is { } h ? h with { MelodyMidi = null } : null,
        };
        running = new GenerationSnapshot(Id, GenerationStatus.Running, stored, sampler.Model.Ref.ModelId, sampler.Model.Ref.CheckpointId, seed, [], [], 0,
            null, null, null, clock.GetUtcNow(), 0, RuntimeIdentity);
        state.State = new GenerationSessionState { Snapshot = running };
        await state.WriteStateAsync();
        DelayDeactivation(TimeSpan.FromHours(1));
        _ = FollowAsync(job, chorale, new LiveNotes(chorale.Model.Tokenizer), [Music.Tokens.JsbGridTokenizer.BeginId]);
        return Snapshot();
    }

    private async Task<ModelWorker> LoadHarmonyAsync(string field)
    {
        if (ShippedModel.HarmonyCheckpointPath is null)
            throw new ArgumentException($"{field}: this build ships no harmony model, so it cannot write voices under a kept soprano");
        return await LoadAsync(engine, Models.ShippedModelEntry.HarmonyRef);
    }

    /// <summary>The melody of a harmonisation and a label of where it came from; a melody that cannot be sung as a soprano is refused naming the field.</summary>
    private async Task<(SopranoMelody Melody, string Source)> ReadMelodyAsync(HarmonisationInput input)
    {
        string field = input.MelodyMidi is not null ? "melodyMidi" : input.MelodyPieceId is not null ? "melodyPieceId" : "melodyNotes";
        try
        {
            if (input.MelodyMidi is { } midi) return (SopranoMelody.FromPiece(limits.Read(midi, field)), "an uploaded melody");
            if (input.MelodyPieceId is { } pieceId)
            {
                Piece piece = limits.Read(await ReadLibraryMidiAsync(pieceId, field), field);
                string name = string.IsNullOrWhiteSpace(piece.Metadata.Title) ? pieceId : piece.Metadata.Title.Trim();
                return (SopranoMelody.TopVoiceOf(piece), $"the top voice of {name}");
            }
            const int ticksPerQuarter = Piece.DefaultTicksPerQuarter;
            var notes = input.MelodyNotes!.Select(n => new Note(n.Pitch, (long)Math.Round(n.Start * ticksPerQuarter),
                Math.Max(1, (long)Math.Round(n.Duration * ticksPerQuarter)), 90, 0)).ToList();
            return (SopranoMelody.FromPiece(PieceBuilder.Normalize(new Piece { Notes = notes, TimeSignatures = [new TimeSignature(0, 4, 4)] })),
                $"a melody of {notes.Count} notes");
        }
        catch (MelodyException e)
        {
            throw new ArgumentException($"{field}: {e.Message}");
        }
    }

    public Task<GenerationSnapshot?> GetAsync() => Task.FromResult(Current);

    /// <summary>A stored session that was running when its silo stopped has lost its engine job: say so instead of running forever.</summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Snapshot is { Status: GenerationStatus.Running or GenerationStatus.Pending } orphan)
        {
            state.State = new GenerationSessionState
            {
                Snapshot = orphan with { Status = GenerationStatus.Failed, Error = "the silo running this session stopped before it finished" },
            };
            await state.WriteStateAsync(cancellationToken);
        }
        history.AddRange(state.State.Updates);
        await base.OnActivateAsync(cancellationToken);
    }

    /// <summary>
    /// Leaving mid-session (the silo stops, or the activation is removed): the engine job stops and nothing more is
    /// sent from here; the next activation reports the session as failed to watchers catching up.
    /// </summary>
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (cancellation is not null)
        {
            leaving = true;
            cancellation.Cancel();
        }
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    private async Task<ModelRef> ResolveAsync(string? model)
    {
        try
        {
            return await GrainFactory.GetGrain<IModelRegistryGrain>(0).ResolveAsync(model);
        }
        catch (KeyNotFoundException e)
        {
            throw new ArgumentException(e.Message.StartsWith("model:", StringComparison.Ordinal) ? e.Message : $"model: {e.Message}");
        }
    }

    /// <summary>The model's worker; a checkpoint that cannot be loaded is the request's problem, named by its field.</summary>
    internal static async Task<ModelWorker> LoadAsync(InferenceEngine engine, ModelRef model)
    {
        try
        {
            return await engine.GetAsync(model);
        }
        catch (Exception e) when (e is Music.Storage.Checkpoints.CheckpointFormatException or Music.Scoring.CalibrationFormatException
            or InvalidOperationException or IOException)
        {
            throw new ArgumentException($"model: checkpoint {model} cannot be loaded ({e.Message})");
        }
    }

    public Task CancelAsync()
    {
        cancellation?.Cancel();
        return Task.CompletedTask;
    }

    public Task SubscribeAsync(IGenerationObserver observer)
    {
        observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(IGenerationObserver observer)
    {
        observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<GenerationUpdate>> GetUpdatesAsync(long afterSequence)
    {
        List<GenerationUpdate> after = history.Where(u => u.Sequence > afterSequence).ToList();
        if (after.Count > 0 || Current is not { Status: not (GenerationStatus.Running or GenerationStatus.Pending) } ended
            || history.Count > 0 && history[^1].Sequence <= afterSequence)
            return Task.FromResult<IReadOnlyList<GenerationUpdate>>(after);
        // Ended, yet this activation holds none of its updates: an earlier one ran it and was lost with its silo
        // before the end was stored. The end is the watcher's next update.
        var end = new GenerationUpdate(Id, afterSequence + 1, ended.Status, [], [], ended.Tokens, ended.PieceId, ended.OverallScore, ended.Error);
        return Task.FromResult<IReadOnlyList<GenerationUpdate>>([end]);
    }

    private GenerationSnapshot? Current => running is null ? state.State.Snapshot : Snapshot();

    private GenerationSnapshot Snapshot() => running! with { Notes = notes.ToArray(), BarScores = bars.ToArray() };

    private async Task<Piece?> ReadPrimerAsync(GenerationRequest request)
    {
        byte[]? midi = request.PrimerMidi;
        string field = "primerMidi";
        if (request.PrimerPieceId is { } pieceId)
        {
            field = "primerPieceId";
            midi = await ReadLibraryMidiAsync(pieceId, field);
        }
        return midi is null ? null : limits.Read(midi, field);
    }

    /// <summary>A library piece's MIDI file; a missing or damaged piece is the field's problem.</summary>
    private async Task<byte[]> ReadLibraryMidiAsync(string pieceId, string field)
    {
        var piece = GrainFactory.GetGrain<IPieceGrain>(pieceId);
        if (await piece.GetAsync() is null) throw new ArgumentException($"{field}: there is no piece '{pieceId}' in the library");
        try
        {
            return await piece.GetFileAsync(PieceFormat.Midi);
        }
        catch (PieceDamagedException e)
        {
            throw new ArgumentException($"{field}: {e.Message}");
        }
    }

    /// <summary>Runs on this activation: relays the engine's progress, then stores the piece.</summary>
    private async Task FollowAsync(IGenerationRun job, ModelWorker worker, LiveNotes decoder, int[] primerTokens)
    {
        var allTokens = new List<int>(primerTokens);
        await PublishAsync(decoder.Add(primerTokens), [], 0);
        try
        {
            while (await job.Progress.WaitToReadAsync())
            {
                // Everything that arrived since the last turn goes out as one update.
                var newNotes = new List<GeneratedNote>();
                var newBars = new List<BarScoreUpdate>();
                int newTokens = 0;
                while (job.Progress.TryRead(out GenerationProgress? progress))
                {
                    allTokens.AddRange(progress.Tokens);
                    newTokens += progress.Tokens.Count;
                    newNotes.AddRange(decoder.Add(progress.Tokens));
                    newBars.AddRange(progress.Bars.Select(b => new BarScoreUpdate(b.Bar, Math.Round(b.Score, 2))));
                }
                await PublishAsync(newNotes, newBars, newTokens);
            }
            GenerationOutcome outcome = await job.Completion;
            await PublishAsync(decoder.Finish(), [], 0);
            await FinishAsync(outcome, worker);
        }
        catch (Exception) when (leaving)
        {
            // This activation is going: the next one tells watchers how the session ended.
        }
        catch (OperationCanceledException)
        {
            await EndAsync(GenerationStatus.Cancelled, null);
        }
        catch (Exception error)
        {
            logger.LogError(error, "Generation session {Session} failed", Id);
            await EndAsync(GenerationStatus.Failed, error.Message);
        }
    }

    private async Task FinishAsync(GenerationOutcome outcome, ModelWorker worker)
    {
        GenerationSnapshot s = running!;
        Piece piece = assemble is null
            ? PieceGeneration.Decode(worker.Model.Tokenizer, outcome.Sequence.Tokens.ToArray())
            : assemble(new Music.Tokens.JsbGridTokenizer().DecodeWholeSteps(outcome.Sequence.Tokens.Skip(1).ToArray()));
        if (notes.Count == 0 && piece.Notes.Count > 0)
        {
            // No incremental decoder for this vocabulary: the notes appear now, all at once.
            double tpq = piece.TicksPerQuarter;
            await PublishAsync(piece.Notes.Select(n => new GeneratedNote(n.Start / tpq, n.Duration / tpq, n.Pitch, n.Velocity, n.Track, 0)).ToList(), [], 0);
        }
        DateTimeOffset now = clock.GetUtcNow();
        var parameters = new Dictionary<string, string>
        {
            ["bars"] = s.Request.Bars.ToString(CultureInfo.InvariantCulture),
            ["temperature"] = s.Request.Temperature.ToString(CultureInfo.InvariantCulture),
            ["topK"] = s.Request.TopK?.ToString(CultureInfo.InvariantCulture) ?? "",
            ["topP"] = s.Request.TopP?.ToString(CultureInfo.InvariantCulture) ?? "",
            ["primer"] = primerLabel,
            ["candidates"] = (s.Request.Candidates ?? 1).ToString(CultureInfo.InvariantCulture),
            ["session"] = Id.ToString(),
            ["tokens"] = outcome.Sequence.NewTokens.Count().ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in extraParameters) parameters[key] = value;
        var provenance = new PieceProvenance(s.ModelId, s.CheckpointId, s.Seed, parameters, now, authorship.Author, authorship.Adviser,
            authorship.Organisation, authorship.Licence);
        string title = !string.IsNullOrWhiteSpace(s.Request.Title) ? s.Request.Title.Trim() : defaultTitle ?? $"Generated, {s.Request.Bars} bars (seed {s.Seed})";
        Piece titled = piece with
        {
            Metadata = piece.Metadata with
            {
                Title = title,
                Provenance = new Provenance
                {
                    ModelId = s.ModelId,
                    CheckpointId = s.CheckpointId,
                    Seed = s.Seed,
                    Parameters = parameters,
                    CreatedAt = now,
                    Author = authorship.Author,
                    Adviser = authorship.Adviser,
                    Organisation = authorship.Organisation,
                    Licence = authorship.Licence,
                },
            },
        };
        PieceScore? score = outcome.Score is { } sc
            ? new PieceScore(Math.Round(sc.Overall, 2), sc.Bars.Select(b => Math.Round(b, 2)).ToArray(), s.ModelId, s.CheckpointId)
            : null;
        string pieceId = Id.ToString("N");
        await GrainFactory.GetGrain<IPieceGrain>(pieceId).CreateAsync(new NewPiece(title, MidiFileWriter.Write(titled), provenance, score));
        running = running! with { PieceId = pieceId, OverallScore = score?.Overall };
        await EndAsync(GenerationStatus.Completed, null);
    }

    private async Task EndAsync(GenerationStatus status, string? error)
    {
        running = running! with { Status = status, Error = error };
        await PublishAsync([], [], 0);
        state.State = new GenerationSessionState { Snapshot = Snapshot(), Updates = history.ToArray() };
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception e)
        {
            logger.LogError(e, "Generation session {Session} could not store its end state", Id);
        }
        cancellation?.Dispose();
        cancellation = null;
        // Done: the activation may go when idle.
        DelayDeactivation(TimeSpan.Zero);
    }

    /// <summary>
    /// Numbers the update and sends it to every observer, awaiting each (so updates cannot overtake each other); an
    /// observer that fails or has expired is dropped, and its watcher catches up when it renews.
    /// </summary>
    private async Task PublishAsync(IReadOnlyList<GeneratedNote> newNotes, IReadOnlyList<BarScoreUpdate> newBars, int newTokens)
    {
        if (leaving) return;
        if (newNotes.Count == 0 && newBars.Count == 0 && newTokens == 0 && running!.Status == GenerationStatus.Running && running.Sequence > 0) return;
        notes.AddRange(newNotes);
        bars.AddRange(newBars);
        running = running! with { Tokens = running.Tokens + newTokens, Sequence = running.Sequence + 1 };
        var update = new GenerationUpdate(Id, running.Sequence, running.Status, newNotes, newBars, running.Tokens, running.PieceId, running.OverallScore,
            running.Error);
        history.Add(update);
        await observers.Notify(o => o.OnUpdateAsync(update));
    }
}
