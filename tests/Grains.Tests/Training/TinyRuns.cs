using Microsoft.Extensions.DependencyInjection;
using MusicCluster.Grains.Interfaces.Training;
using MusicCluster.Music.Storage;

namespace MusicCluster.Grains.Tests.Training;

/// <summary>The training grains of a <see cref="TestSilo"/>.</summary>
public static class TrainingSilo
{
    /// <summary>A silo with <paramref name="maxRunsPerSilo"/> training slots that supervises runs twice a second.</summary>
    public static Task<TestSilo> StartAsync(int maxRunsPerSilo = 1) => TestSilo.StartAsync(new Dictionary<string, string?>
    {
        ["MusicCluster:MaxRunsPerSilo"] = maxRunsPerSilo.ToString(),
        ["MusicCluster:Training:SupervisePeriodSeconds"] = "0.5",
    });

    public static IBlobStore Blobs(this TestSilo silo) => silo.Services.GetRequiredService<IBlobStore>();

    public static ITrainingRunIndexGrain Index(this TestSilo silo) => silo.Grains.GetGrain<ITrainingRunIndexGrain>(0);

    public static ITrainingRunGrain Run(this TestSilo silo, string id) => silo.Grains.GetGrain<ITrainingRunGrain>(id);
}

/// <summary>Requests for runs small enough to train in seconds on one CPU core.</summary>
public static class TinyRuns
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(180);

    /// <summary>
    /// MLE steps for a run a test pauses or stops: far more than any test lasts, so on a loaded machine the run is still
    /// running when the test acts on it (a 400-step run once completed before a browser test's Pause click).
    /// </summary>
    public const int OutlastsTheTest = 100_000;

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
