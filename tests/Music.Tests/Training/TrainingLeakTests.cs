using MusicCluster.Music.Tests.Models;
using TorchSharp;

namespace MusicCluster.Music.Tests.Training;

/// <summary>
/// 100 trainer steps (50 MLE, 50 WGAN-GP) must leave the number of live native tensors of the thread unchanged
/// (DisposeScopeManager's per-thread count, as in the model leak tests), after a first step of each phase has
/// created the optimizers' state.
/// </summary>
[Collection(TinyModels.Collection)]
public sealed class TrainingLeakTests
{
    private static long LiveTensors()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return DisposeScopeManager.Statistics.ThreadTotalLiveCount;
    }

    [Fact]
    public void Hundred_training_steps_leak_no_tensors()
    {
        var config = TinyRuns.Config(mleSteps: 51, adversarialSteps: 51, context: 16) with { CriticSteps = 1, ValidateEvery = 25 };
        using var trainer = TinyRuns.NewTrainer(config);

        trainer.Run(maxSteps: 1);
        long before = LiveTensors();
        trainer.Run(maxSteps: 50);
        Assert.Equal(before, LiveTensors());

        trainer.Run(maxSteps: 1);
        before = LiveTensors();
        var result = trainer.Run(maxSteps: 50);
        Assert.Equal(before, LiveTensors());
        Assert.Equal(config.TotalSteps, result.Step);
    }
}
