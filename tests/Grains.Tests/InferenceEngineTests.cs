using MusicCluster.Grains.Interfaces.Models;
using MusicCluster.Grains.Inference;
using MusicCluster.Grains.Models;
using MusicCluster.Music.Models;
using MusicCluster.Music.Storage;
using MusicCluster.Music.Training;

namespace MusicCluster.Grains.Tests;

public sealed class InferenceEngineTests
{
    [Fact]
    public async Task Sessions_batched_together_draw_exactly_the_tokens_the_sampler_draws_alone()
    {
        var loader = new ModelLoader(new LocalFolderBlobStore(RepositoryPaths.NewTempFolder("engine")));
        using var worker = new ModelWorker(await loader.LoadAsync(ShippedModelEntry.Ref), maxBatch: 8);
        var model = worker.Model;
        long[] seeds = [3, 17, 29, 101];
        var options = new SamplingOptions { Temperature = 1.0, TopK = 20, MaxNewTokens = PieceGeneration.TokenLimit(model.Tokenizer, 1) };

        // All four at once: the worker runs them as one batch, each at its own position after the first steps.
        var jobs = seeds.Select(seed => worker.Generate(PieceGeneration.PrimerTokens(model.Tokenizer, null, model.Generator.Config.ContextLength), options with { Seed = seed },
            PieceGeneration.ConstraintFor(model.Tokenizer, 1))).ToArray();
        var outcomes = await Task.WhenAll(jobs.Select(j => j.Completion));

        for (int i = 0; i < seeds.Length; i++)
        {
            var alone = PieceGeneration.Generate(model.Generator, model.Vocabulary, 1, options with { Seed = seeds[i] });
            Assert.Equal(alone.Tokens, outcomes[i].Sequence.Tokens);
            Assert.Equal(StopReason.Complete, outcomes[i].Sequence.StopReason);
            Assert.NotNull(outcomes[i].Score);
        }
        var statistics = worker.Statistics;
        Assert.Equal(4, statistics.MaxBatch);
        Assert.Equal(seeds.Length, statistics.PrimerPasses);
        // Live bar scores (scored in critic batches shared by the sequences that completed a bar at one step) are the
        // scores of the finished pieces' bars.
        for (int i = 0; i < seeds.Length; i++)
        {
            var whole = model.Scorer!.Score(outcomes[i].Sequence.Tokens);
            FloatAssert.Close(whole.RawBars, outcomes[i].Score!.RawBars, 1e-4);
        }
        Assert.True(statistics.LiveScoredSequences >= seeds.Length, $"{statistics.LiveScoredSequences} sequences scored live");
    }

    [Fact]
    public async Task The_critic_lane_reports_each_bar_once_in_order_after_the_token_that_completed_it_with_the_finished_pieces_scores()
    {
        var loader = new ModelLoader(new LocalFolderBlobStore(RepositoryPaths.NewTempFolder("engine")));
        using var worker = new ModelWorker(await loader.LoadAsync(ShippedModelEntry.Ref), maxBatch: 4);
        var model = worker.Model;
        int[] primer = PieceGeneration.PrimerTokens(model.Tokenizer, null, model.Generator.Config.ContextLength);
        var options = new SamplingOptions { Temperature = 1.0, TopK = 20, MaxNewTokens = PieceGeneration.TokenLimit(model.Tokenizer, 3) };
        var jobs = new[] { 7L, 8L }.Select(seed => worker.Generate(primer, options with { Seed = seed }, PieceGeneration.ConstraintFor(model.Tokenizer, 3))).ToArray();

        foreach (var job in jobs)
        {
            // Tokens come from the worker, bar scores from the critic lane: both on one stream, read as a session reads it.
            var tokens = new List<int>(primer);
            var bars = new List<(int Bar, int TokensBefore)>();
            await foreach (var progress in job.Progress.ReadAllAsync())
            {
                tokens.AddRange(progress.Tokens);
                bars.AddRange(progress.Bars.Select(b => (b.Bar, tokens.Count)));
            }
            var outcome = await job.Completion;
            Assert.Equal(outcome.Sequence.Tokens, tokens);
            var score = outcome.Score!;
            Assert.Equal(Enumerable.Range(0, score.Bars.Count), bars.Select(b => b.Bar));
            var barStarts = Music.Scoring.CriticBarTracker.FindBars(model.Vocabulary, tokens);
            for (int bar = 0; bar < bars.Count; bar++)
            {
                // A bar is complete when its last token (or the next bar's first) has been drawn; its score never comes before that token.
                int end = bar + 1 < barStarts.Count ? barStarts[bar + 1] : tokens.Count;
                Assert.True(bars[bar].TokensBefore >= end, $"bar {bar} (tokens up to {end}) was reported after {bars[bar].TokensBefore} tokens");
            }
            FloatAssert.Close(model.Scorer!.Score(tokens).RawBars, score.RawBars, 1e-4);
        }
    }

    [Fact]
    public async Task Sessions_join_and_leave_the_running_batch_and_each_draws_the_tokens_it_draws_alone()
    {
        var loader = new ModelLoader(new LocalFolderBlobStore(RepositoryPaths.NewTempFolder("engine")));
        using var worker = new ModelWorker(await loader.LoadAsync(ShippedModelEntry.Ref), maxBatch: 4);
        var model = worker.Model;
        int[] primer = PieceGeneration.PrimerTokens(model.Tokenizer, null, model.Generator.Config.ContextLength);
        SamplingOptions For(int tokens, long seed) => new() { Temperature = 1.0, TopK = 20, Seed = seed, MaxNewTokens = tokens };
        GenerationJob Start(int tokens, long seed) => worker.Generate(primer, For(tokens, seed), PieceGeneration.ConstraintFor(model.Tokenizer, 3));

        // A runs three bars (192 tokens, inside one context window); B (16 tokens) joins after A's first token and
        // leaves; C (one bar) joins after B's first token; D (16 tokens) joins once B has left and takes its slot
        // (the lowest free one). Each waits on the one before it having sampled, never on time.
        int threeBars = 3 * 64;
        var a = Start(threeBars, 5);
        await a.Progress.ReadAsync();
        var b = Start(16, 6);
        await b.Progress.ReadAsync();
        var c = Start(64, 7);
        await b.Completion;
        var d = Start(16, 8);
        GenerationJob[] jobs = [a, b, c, d];
        int[] lengths = [threeBars, 16, 64, 16];
        var outcomes = await Task.WhenAll(jobs.Select(j => j.Completion));

        for (int i = 0; i < jobs.Length; i++)
        {
            var alone = Sampler.Sample(model.Generator, primer, For(lengths[i], 5 + i), PieceGeneration.ConstraintFor(model.Tokenizer, 3));
            Assert.Equal(alone.Tokens, outcomes[i].Sequence.Tokens);
        }
        // B and D joined the running batch after A started and left before it ended.
        Assert.True(a.FirstStep < b.FirstStep && b.LastStep < a.LastStep, $"A ran steps {a.FirstStep}-{a.LastStep}, B {b.FirstStep}-{b.LastStep}");
        Assert.True(b.LastStep < d.FirstStep && d.LastStep < a.LastStep, $"A ran steps {a.FirstStep}-{a.LastStep}, B {b.FirstStep}-{b.LastStep}, D {d.FirstStep}-{d.LastStep}");

        // Every batched step carried exactly the sequences running then: the sizes the engine recorded are those the
        // joins and leaves make, and every token after each primer pass's first came from a batched step.
        var statistics = worker.Statistics;
        long steps = jobs.Max(j => j.LastStep) + 1;
        var expected = new SortedDictionary<int, long>();
        for (long step = 0; step < steps; step++)
        {
            int rows = jobs.Count(j => j.FirstStep <= step && step <= j.LastStep);
            expected[rows] = expected.GetValueOrDefault(rows) + 1;
        }
        Assert.Equal(steps, statistics.Steps);
        Assert.Equal(expected, new SortedDictionary<int, long>(statistics.BatchSizes.ToDictionary()));
        Assert.True(expected.Keys.Count >= 3, $"batch sizes {string.Join(", ", expected.Select(kv => $"{kv.Key}x{kv.Value}"))}: sessions did not join and leave mid-run");
        Assert.Equal(outcomes.Sum(o => (long)o.Sequence.Tokens.Count - primer.Length - 1), statistics.BatchSizes.Sum(kv => (long)kv.Key * kv.Value));
        Assert.Equal(jobs.Length, statistics.PrimerPasses);
    }

    [Fact]
    public async Task Live_sessions_take_rows_from_background_work_which_then_resumes_with_the_same_tokens()
    {
        var loader = new ModelLoader(new LocalFolderBlobStore(RepositoryPaths.NewTempFolder("engine")));
        var live = new LiveWork();
        using var worker = new ModelWorker(await loader.LoadAsync(ShippedModelEntry.Ref), maxBatch: 2, live);
        var model = worker.Model;
        int[] primer = PieceGeneration.PrimerTokens(model.Tokenizer, null, model.Generator.Config.ContextLength);
        SamplingOptions For(int bars, long seed) => new() { Temperature = 1.0, TopK = 20, Seed = seed, MaxNewTokens = PieceGeneration.TokenLimit(model.Tokenizer, bars) };

        // Two background pieces fill both rows; a live session arrives while they run.
        var background = new[] { 11L, 12L }.Select(seed => worker.Generate(primer, For(3, seed), PieceGeneration.ConstraintFor(model.Tokenizer, 3),
            liveScore: false, priority: WorkPriority.Background)).ToArray();
        foreach (var job in background) await job.Progress.ReadAsync();
        Assert.Equal(0, live.InHand);
        var session = worker.Generate(primer, For(1, 13), PieceGeneration.ConstraintFor(model.Tokenizer, 1));
        Assert.Equal(1, live.InHand);
        var first = await Task.WhenAny(background.Select(j => j.Completion).Append(session.Completion));
        var outcomes = await Task.WhenAll(background.Append(session).Select(j => j.Completion));

        // The live session did not wait for a free row: one background piece gave its row back, and the session finished first.
        Assert.Same(session.Completion, first);
        Assert.Equal(1, worker.Statistics.Preemptions);
        Assert.True(background.Min(j => j.LastStep) > session.LastStep, "a background piece finished before the live session");
        Assert.Equal(0, live.InHand);
        // The piece that gave its row back was rebuilt from its tokens and continued as if nothing had happened.
        long[] seeds = [11, 12, 13];
        int[] bars = [3, 3, 1];
        for (int i = 0; i < 3; i++)
            Assert.Equal(PieceGeneration.Generate(model.Generator, model.Vocabulary, bars[i], For(bars[i], seeds[i])).Tokens, outcomes[i].Sequence.Tokens);
        Assert.Equal(4, worker.Statistics.PrimerPasses);
    }

    [Fact]
    public async Task A_guided_run_on_the_worker_keeps_the_candidates_the_critic_ranks_first_as_the_sampler_does_alone()
    {
        var loader = new ModelLoader(new LocalFolderBlobStore(RepositoryPaths.NewTempFolder("engine")));
        using var worker = new ModelWorker(await loader.LoadAsync(ShippedModelEntry.Ref), maxBatch: 8);
        var model = worker.Model;
        var options = new SamplingOptions { Temperature = 1.0, TopK = 20, Seed = 23 };
        int[] primer = PieceGeneration.PrimerTokens(model.Tokenizer, null, model.Generator.Config.ContextLength);

        var run = GuidedGenerationRun.Start(worker, primer, options, bars: 2, candidates: 3, CancellationToken.None);
        var updates = new List<GenerationProgress>();
        await foreach (var update in run.Progress.ReadAllAsync()) updates.Add(update);
        var outcome = await run.Completion;

        // One update per bar: its tokens and the scores of the bars it completed.
        Assert.Equal(2, updates.Count);
        Assert.Equal(outcome.Sequence.Tokens.Skip(primer.Length), updates.SelectMany(u => u.Tokens));
        Assert.Equal([0, 1], updates.SelectMany(u => u.Bars).Select(b => b.Bar));
        Assert.Equal(StopReason.Complete, outcome.Sequence.StopReason);
        Assert.Equal(2, outcome.Score!.Bars.Count);
        // The same choices as the in-process guided sampler (the worker is idle now, so the model is free to use here).
        var alone = CriticGuidedGeneration.Generate(model.Generator, model.Vocabulary, model.Scorer!.Windows, 2, 3, options);
        Assert.Equal(alone.Tokens, outcome.Sequence.Tokens);
    }

    [Fact]
    public async Task Pieces_waiting_to_be_scored_share_one_critic_batch_and_score_as_they_would_alone()
    {
        var loader = new ModelLoader(new LocalFolderBlobStore(RepositoryPaths.NewTempFolder("engine")));
        using var worker = new ModelWorker(await loader.LoadAsync(ShippedModelEntry.Ref), maxBatch: 4);
        var model = worker.Model;
        var pieces = Enumerable.Range(1, 6)
            .Select(seed => PieceGeneration.Generate(model.Generator, model.Vocabulary, 2, new SamplingOptions { Seed = seed, TopK = 20 }).Tokens)
            .ToArray();

        var scores = await Task.WhenAll(pieces.Select(p => worker.ScoreAsync(p)));

        for (int i = 0; i < pieces.Length; i++)
        {
            var alone = model.Scorer!.Score(pieces[i]);
            Assert.Equal(alone.Bars.Count, scores[i].Bars.Count);
            Assert.Equal(alone.RawOverall, scores[i].RawOverall, 4);
        }
        var statistics = worker.Statistics;
        Assert.Equal(6, statistics.ScoredPieces);
        Assert.True(statistics.ScoringBatches < 6, $"6 pieces posted at once were scored in {statistics.ScoringBatches} critic batches");
    }

    [Fact]
    public async Task Harmonisations_batched_with_their_melodies_draw_exactly_the_tokens_the_sampler_draws_alone()
    {
        // A tiny harmony model whose melody encoder speaks (a new one's output projection is zero), over a context of
        // 48 positions: a 3-bar harmonisation (208 positions) slides the window and rebuilds each slot several times.
        var layout = new Music.Tokens.JsbHarmonyTokenizer();
        TorchSharp.torch.random.manual_seed(4);
        var generator = new TransformerGenerator(new TransformerConfig
        {
            VocabSize = layout.Vocabulary.Count, ContextLength = 48, Layers = 2, Heads = 2, ModelWidth = 16, FeedForwardWidth = 32,
            Dropout = 0, MelodyEncoderLayers = 1,
        });
        using (TorchSharp.torch.no_grad())
            foreach (var (name, parameter) in generator.named_parameters())
                if (name.Contains("projection", StringComparison.Ordinal)) parameter.normal_(0, 0.5);
        using var worker = new ModelWorker(new LoadedModel(new ModelRef("tiny-harmony", "step-1"), generator, layout.Vocabulary, scorer: null), maxBatch: 4);
        var options = new SamplingOptions { Temperature = 1.2, Seed = 11 };

        var rewrites = Enumerable.Range(0, 3).Select(i => Music.Harmony.GridRewrite.Harmonisation(Music.Harmony.SopranoMelody.FromPiece(Melody(seed: i)))).ToArray();
        SamplingOptions Limited(Music.Harmony.GridRewrite r) => options with { MaxNewTokens = 1 + r.Layout.CellsThrough(r.BarEnds[^1]) - r.Primer.Length + 1 };
        var jobs = rewrites.Select(r => worker.Generate(r.Primer, Limited(r), r.ConstraintUntil(r.BarEnds[^1]), melody: r.MelodyFor(generator))).ToArray();
        var outcomes = await Task.WhenAll(jobs.Select(j => j.Completion));

        for (int i = 0; i < rewrites.Length; i++)
        {
            var r = rewrites[i];
            var alone = Sampler.Sample(generator, r.Primer, Limited(r), r.ConstraintUntil(r.BarEnds[^1]), melody: r.MelodyFor(generator));
            Assert.Equal(alone.Tokens, outcomes[i].Sequence.Tokens);
            Assert.Equal(StopReason.Complete, outcomes[i].Sequence.StopReason);
        }
        Assert.True(worker.Statistics.PrimerPasses > rewrites.Length, "no window slid");
        // The melodies were read: two melodies under one seed give different lower voices.
        Assert.NotEqual(Lower(rewrites[0], outcomes[0]), Lower(rewrites[1], outcomes[1]));
    }

    private static int[] Lower(Music.Harmony.GridRewrite rewrite, GenerationOutcome outcome)
    {
        var grid = rewrite.FinalGrid(outcome.Sequence.Tokens);
        return Enumerable.Range(0, 16).SelectMany(step => new[] { grid[step, 1], grid[step, 2], grid[step, 3] }).ToArray();
    }

    /// <summary>Three bars of quarter notes in the soprano's range.</summary>
    private static Music.Pieces.Piece Melody(int seed)
    {
        var random = new Random(seed);
        var notes = Enumerable.Range(0, 12).Select(i => new Music.Pieces.Note(random.Next(64, 76), i * 480L, 480, 90, 0)).ToList();
        return Music.Pieces.PieceBuilder.Normalize(new Music.Pieces.Piece { Notes = notes, TimeSignatures = [new Music.Pieces.TimeSignature(0, 4, 4)] });
    }
}
