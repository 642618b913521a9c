using System.Text.Json.Nodes;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Storage.Checkpoints;
using MusicCluster.Music.Tests.Models;
using MusicCluster.Music.Training;
using TorchSharp;

namespace MusicCluster.Music.Tests.Training;

/// <summary>
/// Critic fine-tuning on a tiny checkpoint: only the critic changes, the kept critic is the best measured one, the
/// result loads as a checkpoint, and 100 fine-tuning steps (with measurements) leave no native tensors behind.
/// </summary>
[Collection(TinyModels.Collection)]
public sealed class CriticFineTuningTests
{
    private static CheckpointArchive TinyCheckpoint()
    {
        using var trainer = TinyRuns.NewTrainer(TinyRuns.Config(mleSteps: 2));
        trainer.Run(maxSteps: 2);
        return trainer.CreateCheckpoint();
    }

    private static CriticFineTuningOptions Options(int steps, int evaluateEvery) => new()
    {
        Training = new CriticFineTuningOptions().Training with { Steps = steps, BatchSize = 4, GradientPenaltyInterval = 2, Seed = 3 },
        WindowBars = 2,
        EvaluateEvery = evaluateEvery,
        EvaluationPieces = 2,
    };

    private static long LiveTensors()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return DisposeScopeManager.Statistics.ThreadTotalLiveCount;
    }

    [Fact]
    public void Only_the_critic_changes_and_the_best_measured_critic_is_kept()
    {
        var archive = TinyCheckpoint();
        var result = CriticFineTuning.Run(archive, "tiny.ckpt", TinyRuns.Train.ToArray(), TinyRuns.Valid.ToArray(), Options(steps: 30, evaluateEvery: 10));

        Assert.Equal([0, 10, 20, 30], result.Evaluations.Select(e => e.Step));
        Assert.Null(result.Evaluations[0].WassersteinEstimate);
        Assert.All(result.Evaluations.Skip(1), e => Assert.True(double.IsFinite(e.WassersteinEstimate!.Value)));
        // The kept critic: real-vs-random 0.99 first, then the highest real-vs-shuffled AUC (the first of equals).
        var eligible = result.Evaluations.Any(e => e.Ordering.RealVsRandomAuc >= 0.99)
            ? result.Evaluations.Where(e => e.Ordering.RealVsRandomAuc >= 0.99).ToArray()
            : result.Evaluations.ToArray();
        Assert.Same(eligible.First(e => e.Ordering.RealVsShuffledAuc == eligible.Max(x => x.Ordering.RealVsShuffledAuc)), result.Best);

        var written = result.Checkpoint;
        Assert.Equal(archive.Parts[ModelCheckpoint.GeneratorPart], written.Parts[ModelCheckpoint.GeneratorPart]);
        Assert.Equal(archive.Parts[ModelCheckpoint.GeneratorOptimizerPart], written.Parts[ModelCheckpoint.GeneratorOptimizerPart]);
        if (result.Best.Step == 0)
        {
            Assert.Same(archive, written);
            return;
        }
        Assert.NotEqual(archive.Parts[ModelCheckpoint.CriticPart], written.Parts[ModelCheckpoint.CriticPart]);
        var note = (JsonObject)written.Metadata[CriticFineTuning.MetadataField]!;
        Assert.Equal(result.Best.Step, note["steps"]!.GetValue<int>());
        Assert.Equal(2, note["windowBars"]!.GetValue<int>());

        // The written checkpoint loads, and its critic scores the held-out pieces as measured during fine-tuning.
        using var loaded = ModelCheckpoint.Unpack(CheckpointArchive.Parse(written.ToBytes(), "written.ckpt"), "written.ckpt", TinyRuns.Vocabulary);
        var windows = new CriticWindowScorer(loaded.Critic!, TinyRuns.Vocabulary, new CriticScorerOptions { WindowBars = 2 });
        var again = CriticOrdering.Measure(windows, TinyRuns.Valid.Take(2).ToArray(), seed: 3);
        Assert.Equal(result.Best.Ordering.MeanReal, again.MeanReal, 1e-5);
        Assert.Equal(result.Best.Ordering.RealVsShuffledAuc, again.RealVsShuffledAuc);
    }

    [Fact]
    public void A_critic_started_from_the_generator_takes_the_generators_shape_when_the_run_trained_a_smaller_one()
    {
        var archive = TinyCheckpoint();
        var runConfig = ModelCheckpoint.ReadInfo(archive.Metadata, "tiny.ckpt").RunConfig;
        Assert.NotEqual(runConfig.Model.ModelWidth, runConfig.Critic.ModelWidth);

        var result = CriticFineTuning.Run(archive, "tiny.ckpt", TinyRuns.Train.ToArray(), TinyRuns.Valid.ToArray(),
            Options(steps: 2, evaluateEvery: 1) with { InitializeFromGenerator = true });

        using var loaded = ModelCheckpoint.Unpack(result.Checkpoint, "best.ckpt", TinyRuns.Vocabulary);
        var critic = loaded.Info.RunConfig.Critic;
        Assert.Equal((runConfig.Critic.Layers, runConfig.Model.Heads, runConfig.Model.ModelWidth, runConfig.Model.FeedForwardWidth),
            (critic.Layers, critic.Heads, critic.ModelWidth, critic.FeedForwardWidth));
        Assert.Equal(runConfig.Model.ModelWidth, loaded.Critic!.Config.ModelWidth);
        Assert.Equal(runConfig.Model, loaded.Info.RunConfig.Model);
    }

    [Fact]
    public void Hundred_fine_tuning_steps_with_measurements_leak_no_tensors()
    {
        var archive = TinyCheckpoint();
        var train = TinyRuns.Train.ToArray();
        var heldOut = TinyRuns.Valid.ToArray();
        // Warm up once: lazily created tensors (rotary tables) are not leaks.
        CriticFineTuning.Run(archive, "tiny.ckpt", train, heldOut, Options(steps: 2, evaluateEvery: 1));

        long before = LiveTensors();
        var result = CriticFineTuning.Run(archive, "tiny.ckpt", train, heldOut, Options(steps: 100, evaluateEvery: 25));
        Assert.Equal(before, LiveTensors());
        Assert.Equal(5, result.Evaluations.Count);
    }

    [Fact]
    public void Bad_options_and_a_checkpoint_without_a_critic_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Options(steps: 10, evaluateEvery: 0).EnsureValid());
        Assert.Throws<ArgumentOutOfRangeException>(() => (Options(steps: 10, evaluateEvery: 5) with { WindowBars = 0 }).EnsureValid());
        var unknownLoss = Options(steps: 10, evaluateEvery: 5);
        unknownLoss = unknownLoss with { Training = unknownLoss.Training with { Loss = (CriticLoss)7 } };
        Assert.Contains("loss", Assert.Throws<ArgumentOutOfRangeException>(() => unknownLoss.EnsureValid()).Message);
        var archive = TinyCheckpoint();
        var withoutCritic = new CheckpointArchive(archive.Metadata, archive.Parts.Where(p => p.Key != ModelCheckpoint.CriticPart).ToDictionary());
        var error = Assert.Throws<CheckpointFormatException>(() =>
            CriticFineTuning.Run(withoutCritic, "no-critic.ckpt", TinyRuns.Train.ToArray(), TinyRuns.Valid.ToArray(), Options(steps: 2, evaluateEvery: 1)));
        Assert.Contains("no-critic.ckpt", error.Message);
        Assert.Throws<ArgumentException>(() => CriticFineTuning.Run(archive, "tiny.ckpt", [], TinyRuns.Valid.ToArray(), Options(steps: 2, evaluateEvery: 1)));
    }
}
