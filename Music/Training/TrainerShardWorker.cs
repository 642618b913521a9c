using System.Diagnostics;

namespace MusicCluster.Music.Training;

/// <summary>
/// A worker that trains with a <see cref="Trainer"/> in the calling thread: the coordinator's own share of the work,
/// and what a worker grain runs on its silo. It keeps the step it is at and refuses any other
/// (<see cref="StaleStepException"/>). Moves no bytes itself.
/// </summary>
public sealed class TrainerShardWorker(Trainer trainer, string name, bool ownsTrainer, string location = "this process") : IDataParallelWorker
{
    private long? roundEnd;

    public string Name => name;

    public string Location => location;

    public Trainer Trainer => trainer;

    /// <summary>The step this worker is at: the next one it computes.</summary>
    public long Step { get; private set; } = trainer.Step;

    public Task<ShardWork> ComputeGradientAsync(long step, IReadOnlyList<int> shards)
    {
        Expect(step, "compute the gradient of");
        var clock = Stopwatch.StartNew();
        var loss = trainer.ComputeShardGradient(step, shards);
        float[] gradient = trainer.GradientVector();
        return Task.FromResult(new ShardWork([loss], gradient, 0, clock.Elapsed.TotalSeconds, 0));
    }

    public Task<TransferReceipt> ApplyGradientAsync(long step, float[] gradient, double peakRate)
    {
        Expect(step, "apply the gradient of");
        SetPeak(peakRate);
        var clock = Stopwatch.StartNew();
        trainer.ApplyShardStep(step, gradient, useGiven: true);
        Step = step + 1;
        return Task.FromResult(new TransferReceipt(0, 0, clock.Elapsed.TotalSeconds));
    }

    public Task<ShardWork> TrainLocalAsync(long step, int steps, IReadOnlyList<int> shards, double peakRate)
    {
        Expect(step, "train the local round from");
        SetPeak(peakRate);
        var clock = Stopwatch.StartNew();
        var (losses, delta) = trainer.TrainLocalRound(step, steps, shards);
        roundEnd = step + steps;
        return Task.FromResult(new ShardWork(losses, delta, 0, clock.Elapsed.TotalSeconds, 0));
    }

    public Task<TransferReceipt> SetParametersAsync(long step, float[] parameters)
    {
        if (roundEnd != step)
            throw new StaleStepException($"{name}: parameters for step {step}, but its round ends at {(roundEnd is long end ? end.ToString() : "no step (no round in progress)")}");
        trainer.SetParameterValues(parameters);
        Step = step;
        roundEnd = null;
        return Task.FromResult(default(TransferReceipt));
    }

    private void SetPeak(double peakRate)
    {
        if (trainer.LearningRate != peakRate) trainer.LearningRate = peakRate;
    }

    private void Expect(long step, string what)
    {
        if (step != Step) throw new StaleStepException($"{name}: asked to {what} step {step}, but it is at step {Step}");
    }

    public void Dispose()
    {
        if (ownsTrainer) trainer.Dispose();
    }
}
