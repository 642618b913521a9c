using MusicCluster.Music.Storage;
using MusicCluster.Music.Storage.Checkpoints;
using MusicCluster.Music.Tests.Models;
using MusicCluster.Music.Tokens;
using MusicCluster.Music.Training;

namespace MusicCluster.Music.Tests.Training;

[Collection(TinyModels.Collection)]
public sealed class CheckpointTests : IDisposable
{
    private readonly string folder = RepositoryPaths.NewTempFolder("training-checkpoints");
    private readonly CheckpointStore store;

    public CheckpointTests() => store = new CheckpointStore(new LocalFolderBlobStore(folder));

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private Trainer ResumeLatest(string modelId)
    {
        var records = store.ListAsync(modelId).GetAwaiter().GetResult();
        var latest = records.OrderBy(r => r.CheckpointId, StringComparer.Ordinal).Last();
        var archive = store.LoadAsync(modelId, latest.CheckpointId).GetAwaiter().GetResult();
        var checkpoint = ModelCheckpoint.Unpack(archive, latest.Blob, TinyRuns.Vocabulary);
        return Trainer.Resume(checkpoint, latest.Blob, TinyRuns.Vocabulary, TinyRuns.Train, TinyRuns.Valid);
    }

    [Fact]
    public async Task A_resumed_run_can_take_a_new_schedule_length_and_its_checkpoints_record_it()
    {
        var config = TinyRuns.Config(mleSteps: 6) with { WarmupSteps = 1, MinLearningRateRatio = 0.1 };
        using (var first = TinyRuns.NewTrainer(config)) first.Run(store, "reschedule", maxSteps: 3);
        var latest = (await store.ListAsync("reschedule")).OrderBy(r => r.CheckpointId, StringComparer.Ordinal).Last();
        var archive = await store.LoadAsync("reschedule", latest.CheckpointId);

        using (var shorter = Trainer.Resume(ModelCheckpoint.Unpack(archive, latest.Blob, TinyRuns.Vocabulary), latest.Blob, TinyRuns.Vocabulary,
            TinyRuns.Train, TinyRuns.Valid, mleSteps: 4))
        {
            Assert.Equal(4, shorter.Config.MleSteps);
            var result = shorter.Run(store, "reschedule");
            Assert.Equal(4, result.Step);
            // Step 3 follows the 4-step cosine, not the 6-step one it was started with.
            double expected = new LearningRateSchedule(config.LearningRate, 1, 4, 0.1).RateAt(3);
            Assert.NotEqual(new LearningRateSchedule(config.LearningRate, 1, 6, 0.1).RateAt(3), expected, 1e-9);
            Assert.Equal(expected, result.Metrics[^1].LearningRate, 1e-9);
        }
        var newest = (await store.ListAsync("reschedule")).OrderBy(r => r.CheckpointId, StringComparer.Ordinal).Last();
        using (var saved = ModelCheckpoint.Unpack(await store.LoadAsync("reschedule", newest.CheckpointId), newest.Blob, TinyRuns.Vocabulary))
            Assert.Equal(4, saved.Info.RunConfig.MleSteps);

        var late = Assert.Throws<ArgumentException>(() => Trainer.Resume(ModelCheckpoint.Unpack(archive, latest.Blob, TinyRuns.Vocabulary), latest.Blob,
            TinyRuns.Vocabulary, TinyRuns.Train, TinyRuns.Valid, mleSteps: 3));
        Assert.Contains("mleSteps: 3 is not after the checkpoint's step 3", late.Message);
    }

    [Fact]
    public async Task A_new_run_can_start_from_a_finished_runs_weights_with_its_own_schedule()
    {
        var config = TinyRuns.Config(mleSteps: 3) with { WarmupSteps = 1 };
        using (var first = TinyRuns.NewTrainer(config)) first.Run(store, "warm-restart");
        var latest = (await store.ListAsync("warm-restart")).OrderBy(r => r.CheckpointId, StringComparer.Ordinal).Last();
        var archive = await store.LoadAsync("warm-restart", latest.CheckpointId);
        using var finished = ModelCheckpoint.Unpack(archive, latest.Blob, TinyRuns.Vocabulary);
        var second = config with { MleSteps = 5, LearningRate = config.LearningRate / 2, Seed = config.Seed + 1 };

        using (var restarted = Trainer.StartFrom(ModelCheckpoint.Unpack(archive, latest.Blob, TinyRuns.Vocabulary), latest.Blob, second,
            TinyRuns.Vocabulary, TinyRuns.Train, TinyRuns.Valid))
        {
            Assert.Equal(0, restarted.Step);
            Assert.Equal(5, restarted.Config.MleSteps);
            // The weights are the finished run's, not the seed's.
            var restartedWeights = restarted.Generator.parameters().ToArray();
            var finishedWeights = finished.Generator.parameters().ToArray();
            Assert.Equal(finishedWeights.Length, restartedWeights.Length);
            Assert.All(finishedWeights.Zip(restartedWeights), pair => Assert.True(pair.First.allclose(pair.Second, 0, 0), "a parameter differs from the checkpoint's"));
            using (var fresh = TinyRuns.NewTrainer(second))
                Assert.False(fresh.Generator.parameters().Zip(restartedWeights).All(pair => pair.First.allclose(pair.Second, 0, 0)), "a seeded model is not the finished one");
            var result = restarted.Run();
            Assert.Equal(5, result.Step);
            Assert.Equal(new LearningRateSchedule(second.LearningRate, 1, 5, second.MinLearningRateRatio).RateAt(0), result.Metrics[0].LearningRate, 1e-9);
        }

        var otherShape = Assert.Throws<ArgumentException>(() => Trainer.StartFrom(ModelCheckpoint.Unpack(archive, latest.Blob, TinyRuns.Vocabulary), latest.Blob,
            config with { Model = config.Model with { Layers = config.Model.Layers + 1 } }, TinyRuns.Vocabulary, TinyRuns.Train, TinyRuns.Valid));
        Assert.Contains("is not the checkpoint's", otherShape.Message);
    }

    [Fact]
    public void A_resumed_run_continues_the_loss_curve_of_an_uninterrupted_one()
    {
        // 4 MLE + 4 adversarial steps, with dropout, interrupted once in each phase. Every random draw of a step
        // depends on (seed, step) and the optimizers' states are in the checkpoint, so the curves must agree to
        // float32 rounding; the tolerance is 1e-5 (in practice they are bit-identical).
        var config = TinyRuns.Config(mleSteps: 4, adversarialSteps: 4, dropout: 0.1);
        List<TrainingMetrics> straight;
        using (var trainer = TinyRuns.NewTrainer(config)) straight = trainer.Run().Metrics.ToList();

        var resumed = new List<TrainingMetrics>();
        using (var first = TinyRuns.NewTrainer(config)) resumed.AddRange(first.Run(store, "resume", maxSteps: 3).Metrics);
        using (var second = ResumeLatest("resume"))
        {
            Assert.Equal(3, second.Step);
            resumed.AddRange(second.Run(store, "resume", maxSteps: 3).Metrics);
        }
        using (var third = ResumeLatest("resume"))
        {
            Assert.Equal(6, third.Step);
            Assert.Equal(TrainingPhase.Adversarial, third.Phase);
            resumed.AddRange(third.Run(store, "resume").Metrics);
        }

        Assert.Equal(straight.Select(m => m.Step), resumed.Select(m => m.Step));
        for (int i = 0; i < straight.Count; i++)
        {
            Assert.Equal(straight[i].MleLoss, resumed[i].MleLoss, 1e-5);
            Assert.Equal(straight[i].GeneratorLoss, resumed[i].GeneratorLoss, 1e-5);
            Assert.Equal(straight[i].CriticLoss ?? 0, resumed[i].CriticLoss ?? 0, 1e-5);
            Assert.Equal(straight[i].Wasserstein ?? 0, resumed[i].Wasserstein ?? 0, 1e-5);
        }
        Assert.NotNull(straight[^1].Wasserstein);
    }

    [Fact]
    public async Task A_checkpoint_keeps_config_vocabulary_step_metrics_and_dataset()
    {
        using var trainer = TinyRuns.NewTrainer(TinyRuns.Config(mleSteps: 3));
        var result = trainer.Run(store, "meta");
        var record = Assert.Single(result.Checkpoints);
        Assert.Equal("models/meta/step-000000003.ckpt", record.Blob);
        var archive = await store.LoadAsync("meta", "step-000000003");
        using var checkpoint = ModelCheckpoint.Unpack(archive, record.Blob);
        Assert.Equal(3, checkpoint.Info.Step);
        Assert.Equal(trainer.Config.ToJson(), checkpoint.Info.RunConfig.ToJson());
        Assert.True(checkpoint.Info.Vocabulary.SameAs(TinyRuns.Vocabulary));
        Assert.Equal("synthetic-test", checkpoint.Info.Dataset!.Id);
        Assert.Equal(result.Metrics[^1].MleLoss, checkpoint.Info.Metrics!.MleLoss);
        Assert.Equal(result.LastValidNll, checkpoint.Info.Metrics.ValidNll);
        Assert.Equal(3, archive.Metadata["dataSampler"]!["nextStep"]!.GetValue<long>());
        // The generator's weights came back: it gives the trained model's validation NLL.
        Assert.Equal(result.LastValidNll!.Value, Music.Training.ValidationLoss.NllPerToken(checkpoint.Generator, TinyRuns.Valid), 1e-5);
    }

    [Fact]
    public async Task Truncated_or_corrupted_checkpoints_fail_with_an_error_naming_the_blob()
    {
        using (var trainer = TinyRuns.NewTrainer(TinyRuns.Config(mleSteps: 1))) trainer.Run(store, "broken");
        string blob = CheckpointStore.BlobOf("broken", Trainer.CheckpointIdOf(1));
        string path = Path.Combine(folder, blob);
        byte[] original = File.ReadAllBytes(path);

        File.WriteAllBytes(path, original[..(original.Length / 2)]);
        var truncated = await Assert.ThrowsAsync<CheckpointFormatException>(() => store.LoadAsync("broken", Trainer.CheckpointIdOf(1)));
        Assert.Equal(blob, truncated.CheckpointName);
        Assert.Contains(blob, truncated.Message);
        Assert.Contains("truncated", truncated.Message);

        byte[] flipped = (byte[])original.Clone();
        flipped[^10] ^= 0xFF;
        File.WriteAllBytes(path, flipped);
        var corrupted = await Assert.ThrowsAsync<CheckpointFormatException>(() => store.LoadAsync("broken", Trainer.CheckpointIdOf(1)));
        Assert.Contains(blob, corrupted.Message);
        Assert.Contains("corrupted", corrupted.Message);

        // A file without its record (copied by hand) is parsed directly: a cut in the weights is still named.
        var direct = Assert.Throws<CheckpointFormatException>(() => CheckpointArchive.Parse(original.AsSpan(0, original.Length - 100), "copy.ckpt"));
        Assert.Contains("copy.ckpt", direct.Message);
    }

    [Fact]
    public void A_checkpoint_for_another_vocabulary_is_refused_by_name()
    {
        using var trainer = TinyRuns.NewTrainer(TinyRuns.Config(mleSteps: 1));
        var archive = trainer.CreateCheckpoint();
        var grid = new JsbGridTokenizer().Vocabulary;
        var error = Assert.Throws<CheckpointFormatException>(() => ModelCheckpoint.Unpack(archive, "models/x/step-1.ckpt", grid));
        Assert.Contains("models/x/step-1.ckpt", error.Message);
        Assert.Contains(TinyRuns.Vocabulary.Version, error.Message);
        Assert.Contains(grid.Version, error.Message);
        Assert.Throws<CheckpointFormatException>(() => Trainer.Resume(ModelCheckpoint.Unpack(archive, "models/x/step-1.ckpt"), "models/x/step-1.ckpt", grid, [], []));
    }

    [Fact]
    public void Weights_that_do_not_fit_the_stated_architecture_are_refused_by_name()
    {
        using var trainer = TinyRuns.NewTrainer(TinyRuns.Config(mleSteps: 1));
        var archive = trainer.CreateCheckpoint();
        // Claim a wider model than the weights hold.
        var config = archive.Metadata["runConfig"]!["model"]!;
        config["modelWidth"] = 64;
        config["feedForwardWidth"] = 128;
        var error = Assert.Throws<CheckpointFormatException>(() => ModelCheckpoint.Unpack(archive, "wide.ckpt"));
        Assert.Contains("wide.ckpt", error.Message);
        Assert.Contains("generator", error.Message);
    }
}
