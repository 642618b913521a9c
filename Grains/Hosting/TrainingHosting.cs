using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MusicCluster.Grains.Training;

namespace MusicCluster.Grains.Hosting;

/// <summary>The per-silo parts of training: datasets, the workers (checkpointed when the silo stops) and the supervisor.</summary>
public static class TrainingHosting
{
    public static ISiloBuilder AddMusicClusterTraining(this ISiloBuilder silo, IConfiguration configuration)
    {
        TimeSpan period = TrainingSlots.SupervisePeriod(configuration);
        silo.Services.AddSingleton<TrainingDatasets>();
        silo.Services.AddSingleton<LocalTrainingWorkers>();
        silo.Services.AddSingleton<DataParallelPlacement>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => services.GetRequiredService<LocalTrainingWorkers>());
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services =>
            new TrainingSupervisor(services.GetRequiredService<IGrainFactory>(), period, services.GetRequiredService<ILogger<TrainingSupervisor>>()));
        return silo;
    }
}
