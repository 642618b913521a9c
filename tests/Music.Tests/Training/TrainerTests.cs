using MusicCluster.Music.Tests.Models;
using MusicCluster.Music.Training;

namespace MusicCluster.Music.Tests.Training;

[Collection(TinyModels.Collection)]
public sealed class TrainerTests
{
    [Fact]
    public void Mle_pre_training_lowers_the_training_and_validation_loss()
    {
        using var trainer = TinyRuns.NewTrainer(TinyRuns.Config(mleSteps: 60));
        double before = trainer.ValidNll();
        var result = trainer.Run();
        Assert.Equal(TrainingStop.Finished, result.Stop);
        Assert.Equal(60, result.Metrics.Count);
        double first = result.Metrics.Take(5).Average(m => m.MleLoss), last = result.Metrics.TakeLast(5).Average(m => m.MleLoss);
        // Uniform guessing over 634 tokens costs ln 634 = 6.45 nats; the synthetic corpus is far more predictable.
        Assert.True(last < first - 1.5, $"training loss went from {first:F3} to {last:F3}");
        Assert.NotNull(result.LastValidNll);
        Assert.True(result.LastValidNll < before - 1.0, $"valid NLL went from {before:F3} to {result.LastValidNll:F3}");
        Assert.All(result.Metrics, m => Assert.True(m.TokensPerSecond > 0 && m.LearningRate > 0));
    }

    [Fact]
    public void The_same_seed_gives_the_same_losses_and_another_seed_other_ones()
    {
        double[] Losses(long seed)
        {
            using var trainer = TinyRuns.NewTrainer(TinyRuns.Config(mleSteps: 6, dropout: 0.1, seed: seed));
            return trainer.Run().Metrics.Select(m => m.MleLoss).ToArray();
        }

        double[] a = Losses(3), b = Losses(3), c = Losses(4);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Wgan_gp_steps_give_finite_metrics_and_the_critic_learns_to_tell_real_from_generated()
    {
        var config = TinyRuns.Config(mleSteps: 2, adversarialSteps: 24) with { CriticLearningRate = 1e-3 };
        using var trainer = TinyRuns.NewTrainer(config);
        var adversarial = trainer.Run().Metrics.Where(m => m.Phase == TrainingPhase.Adversarial).ToList();
        Assert.Equal(24, adversarial.Count);
        foreach (var m in adversarial)
        {
            Assert.True(double.IsFinite(m.GeneratorLoss) && double.IsFinite(m.MleLoss), $"step {m.Step}: generator loss {m.GeneratorLoss}, MLE {m.MleLoss}");
            Assert.True(m.CriticLoss is double c && double.IsFinite(c), $"step {m.Step}: critic loss {m.CriticLoss}");
            Assert.True(m.GradientPenalty is double p && double.IsFinite(p) && p >= 0, $"step {m.Step}: penalty {m.GradientPenalty}");
            Assert.True(m.Wasserstein is double w && double.IsFinite(w), $"step {m.Step}: Wasserstein {m.Wasserstein}");
        }
        // An almost untrained generator is easy to tell apart: the critic's estimate of the distance grows.
        double early = adversarial.Take(4).Average(m => m.Wasserstein!.Value), late = adversarial.TakeLast(4).Average(m => m.Wasserstein!.Value);
        Assert.True(late > early, $"Wasserstein estimate went from {early:F4} to {late:F4}");
        // The Gumbel temperature anneals from start to end.
        Assert.Equal(config.GumbelTemperatureStart, adversarial[0].GumbelTemperature!.Value, 9);
        Assert.Equal(config.GumbelTemperatureEnd, adversarial[^1].GumbelTemperature!.Value, 9);
    }

    [Fact]
    public void Validating_steps_of_the_adversarial_phase_report_the_critic_auc_without_changing_the_run()
    {
        var config = TinyRuns.Config(mleSteps: 4, adversarialSteps: 24) with { CriticLearningRate = 1e-3 };
        TrainingResult Run(int validateEvery)
        {
            using var trainer = TinyRuns.NewTrainer(config with { ValidateEvery = validateEvery });
            return trainer.Run();
        }

        var validated = Run(validateEvery: 4);
        var mle = validated.Metrics.Where(m => m.Phase == TrainingPhase.Mle && m.ValidNll is not null).ToList();
        var adversarial = validated.Metrics.Where(m => m.Phase == TrainingPhase.Adversarial && m.ValidNll is not null).ToList();
        Assert.NotEmpty(mle);
        Assert.All(mle, m => Assert.Null(m.CriticAuc));
        Assert.Equal(6, adversarial.Count);
        Assert.All(adversarial, m => Assert.True(m.CriticAuc is >= 0 and <= 1, $"step {m.Step}: AUC {m.CriticAuc}"));
        // Against a generator that has trained 4 steps, the critic learns to rank every real window first.
        Assert.True(adversarial[^1].CriticAuc >= 0.75, $"last critic AUC {adversarial[^1].CriticAuc}");
        // Measuring uses its own random stream: the losses equal those of a run that never validates. Within 1e-6, not
        // bit for bit: the validation passes between steps may leave the math library on other kernels, while a
        // training batch drawn from a disturbed stream changes the loss in the second decimal.
        var unvalidated = Run(validateEvery: 0);
        FloatAssert.Close(unvalidated.Metrics.Select(m => m.GeneratorLoss).ToList(), validated.Metrics.Select(m => m.GeneratorLoss).ToList(), 1e-6);
    }

    [Fact]
    public void Stopping_by_cancellation_ends_after_the_current_step()
    {
        using var trainer = TinyRuns.NewTrainer(TinyRuns.Config(mleSteps: 50));
        using var cancel = new CancellationTokenSource();
        trainer.StepCompleted += m => { if (m.Step == 2) cancel.Cancel(); };
        var result = trainer.Run(cancellation: cancel.Token);
        Assert.Equal(TrainingStop.Cancelled, result.Stop);
        Assert.Equal(3, result.Step);
    }

    [Fact]
    public void A_stop_requested_while_a_periodic_checkpoint_is_due_still_writes_it()
    {
        using var trainer = TinyRuns.NewTrainer(TinyRuns.Config(mleSteps: 50) with { CheckpointEvery = 4, CheckpointMinutes = 0 });
        using var cancel = new CancellationTokenSource();
        // Cancelled after step 4 completes, before its checkpoint is written (the training grain's pause does this).
        trainer.StepCompleted += m => { if (m.Step == 3) cancel.Cancel(); };
        var store = new MusicCluster.Music.Storage.Checkpoints.CheckpointStore(new MusicCluster.Music.Storage.LocalFolderBlobStore(RepositoryPaths.NewTempFolder("cancel-ckpt")));
        var result = trainer.Run(store, "m", cancellation: cancel.Token);
        Assert.Equal(TrainingStop.Cancelled, result.Stop);
        Assert.Equal(4, result.Step);
        Assert.Equal(["step-000000004"], result.Checkpoints.Select(c => c.CheckpointId));
    }

    [Fact]
    public void The_learning_rate_can_be_changed_mid_run_and_keeps_the_schedule_shape()
    {
        var config = TinyRuns.Config(mleSteps: 20) with { WarmupSteps = 0, MinLearningRateRatio = 1.0 };
        using var trainer = TinyRuns.NewTrainer(config);
        trainer.StepCompleted += m => { if (m.Step == 4) trainer.LearningRate = 1e-4; };
        var rates = trainer.Run().Metrics.Select(m => m.LearningRate).ToList();
        Assert.All(rates.Take(5), r => Assert.Equal(config.LearningRate, r, 12));
        Assert.All(rates.Skip(5), r => Assert.Equal(1e-4, r, 12));
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.LearningRate = 0);
    }

    [Fact]
    public void A_spent_time_budget_stops_before_the_next_step()
    {
        using var trainer = TinyRuns.NewTrainer(TinyRuns.Config(mleSteps: 10));
        trainer.Run(maxSteps: 2);
        var result = trainer.Run(maxDuration: TimeSpan.Zero);
        Assert.Equal(TrainingStop.TimeLimit, result.Stop);
        Assert.Equal(2, result.Step);
        Assert.Empty(result.Metrics);
    }
}
