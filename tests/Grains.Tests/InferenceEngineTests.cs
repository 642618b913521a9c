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

        var scores = await Task.WhenAll(pieces.Select(worker.ScoreAsync));

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
}
