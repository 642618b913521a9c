using MusicCluster.Music.Scoring;
using MusicCluster.Music.Training;

namespace MusicCluster.Music.Tests.Scoring;

/// <summary>The calibration that ships with the default model stays readable by this build (whatever format it was written in).</summary>
public sealed class ShippedCalibrationTests
{
    [Fact]
    public void The_shipped_calibration_loads_for_the_shipped_checkpoint_and_sets_two_bar_windows()
    {
        string checkpoint = ShippedModel.CheckpointPath ?? throw new InvalidOperationException("the build carries no DefaultModel/default.ckpt");
        string path = CheckpointScoringModelSource.CalibrationPathOf(checkpoint);
        var calibration = ScoreCalibration.FromJson(File.ReadAllText(path), path);
        Assert.Equal((ShippedModel.ModelId, "default"), (calibration.ModelId, calibration.CheckpointId));
        Assert.Equal(2, calibration.WindowBars); // the critic was fine-tuned on 2-bar windows (DefaultModel/README.md)
        Assert.True(calibration.ReferenceScores.Count > 100, $"{calibration.ReferenceScores.Count} reference windows");
        using var model = new CheckpointScoringModelSource().Load(null);
        Assert.Equal(2, model.Scorer.Windows.Options.WindowBars);
    }
}
