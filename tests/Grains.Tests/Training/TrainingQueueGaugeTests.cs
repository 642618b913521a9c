using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using MusicCluster.Grains.Interfaces.Training;

namespace MusicCluster.Grains.Tests.Training;

/// <summary>
/// The training queue gauge (musiccluster.training.queue.length, meter MusicCluster.Training) read as an exporter
/// reads it, through a MeterListener: it follows runs into and out of the queue on the silo holding the scheduler.
/// </summary>
public sealed class TrainingQueueGaugeTests
{
    [Fact]
    public async Task The_queue_gauge_counts_runs_waiting_for_a_training_slot()
    {
        await using var silo = await TrainingSilo.StartAsync(maxRunsPerSilo: 1);
        string address = silo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString();
        TrainingRunSnapshot first = await silo.Index().StartRunAsync(TinyRuns.Request(mleSteps: TinyRuns.OutlastsTheTest, checkpointEvery: 1000, name: "first"));
        Assert.Equal(0, ReadQueue(address));

        TrainingRunSnapshot second = await silo.Index().StartRunAsync(TinyRuns.Request(mleSteps: TinyRuns.OutlastsTheTest, checkpointEvery: 1000, name: "second"));
        TrainingRunSnapshot third = await silo.Index().StartRunAsync(TinyRuns.Request(mleSteps: TinyRuns.OutlastsTheTest, checkpointEvery: 1000, name: "third"));
        Assert.Equal(TrainingRunStatus.Queued, third.Status);
        Assert.Equal(2, ReadQueue(address));

        Assert.Equal(TrainingRunStatus.Stopped, (await silo.Run(third.RunId).StopAsync()).Status);
        await Poll.UntilAsync(() => Task.FromResult(ReadQueue(address)), n => n == 1, TinyRuns.Deadline, "the stopped run to leave the queue");

        await silo.Run(first.RunId).StopAsync();
        await silo.Run(second.RunId).WaitAsync(s => s.Status == TrainingRunStatus.Running, "second leaves the queue");
        Assert.Equal(0, ReadQueue(address));
        await silo.Run(second.RunId).StopAsync();
    }

    /// <summary>The gauge's value for one silo now, or -1 when that silo reports none.</summary>
    private static int ReadQueue(string silo)
    {
        int value = -1;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "MusicCluster.Training" && instrument.Name == "musiccluster.training.queue.length") l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<int>((_, measurement, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "musiccluster.silo" && Equals(tag.Value, silo)) value = measurement;
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return value;
    }
}
