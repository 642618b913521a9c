using MusicCluster.Music.Training;

namespace MusicCluster.Music.Tests.Training;

public sealed class LearningRateScheduleTests
{
    [Fact]
    public void Warms_up_linearly_then_decays_by_cosine_to_the_floor()
    {
        var schedule = new LearningRateSchedule(1e-3, WarmupSteps: 10, TotalSteps: 110, MinimumRatio: 0.1);
        Assert.Equal(1e-4, schedule.RateAt(0), 12);
        Assert.Equal(5e-4, schedule.RateAt(4), 12);
        Assert.Equal(1e-3, schedule.RateAt(10), 12);
        Assert.Equal(1e-3 * (0.1 + 0.9 * 0.5), schedule.RateAt(60), 12);   // half-way through the decay
        Assert.Equal(1e-4, schedule.RateAt(110), 12);
        Assert.Equal(1e-4, schedule.RateAt(10_000), 12);
        for (long step = 10; step < 110; step++) Assert.True(schedule.RateAt(step + 1) <= schedule.RateAt(step));
    }

    [Fact]
    public void Invalid_fields_are_named()
    {
        var problems = new LearningRateSchedule(0, -1, 0, 2).Problems().ToList();
        Assert.Contains(problems, p => p.StartsWith("learningRate"));
        Assert.Contains(problems, p => p.StartsWith("warmupSteps"));
        Assert.Contains(problems, p => p.StartsWith("steps"));
        Assert.Contains(problems, p => p.StartsWith("minLearningRateRatio"));
        Assert.Empty(new LearningRateSchedule(1e-4, 0, 1).Problems());
    }
}
