using MusicCluster.Grains.Interfaces.Training;

namespace MusicCluster.Grains.Tests.Training;

/// <summary>Requests for runs small enough to train in seconds on one CPU core.</summary>
public static class TinyRuns
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(180);

    public static TrainingRunRequest Request(int mleSteps, int adversarialSteps = 0, int checkpointEvery = 5, string? name = null) => new()
    {
        Dataset = "synthetic-demo",
        Name = name,
        CheckpointEvery = checkpointEvery,
        CheckpointMinutes = 0,
        Settings = new TrainingSettings
        {
            Layers = 1,
            Heads = 2,
            ModelWidth = 16,
            ContextLength = 32,
            Dropout = 0,
            BatchSize = 2,
            MleSteps = mleSteps,
            AdversarialSteps = adversarialSteps,
            CriticSteps = 1,
            ValidateEvery = 5,
            LearningRate = 1e-3,
        },
    };

    public static Task<TrainingRunSnapshot> WaitAsync(this ITrainingRunGrain run, Func<TrainingRunSnapshot, bool> condition, string what) =>
        Poll.UntilAsync(async () => (await run.GetAsync())!, condition, Deadline, what);
}
