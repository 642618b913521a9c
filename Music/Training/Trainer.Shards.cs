using MusicCluster.Music.Runtime;
using MusicCluster.Music.Storage.Checkpoints;
using static TorchSharp.torch;

namespace MusicCluster.Music.Training;

/// <summary>The mean loss of a shard's batch and the number of target tokens it averaged over (its weight in an average).</summary>
public readonly record struct ShardLoss(double Loss, long Tokens);

/// <summary>
/// The pieces a data-parallel worker needs (<see cref="DataParallelGroup"/>): the gradient of some shards of a step's
/// batch without an optimizer step, an optimizer step with a gradient averaged elsewhere, a round of local steps and
/// the parameter change it made, and the parameters set from outside. Step numbers are explicit: a worker follows the
/// run's step, not its own <see cref="Step"/>.
/// </summary>
public sealed partial class Trainer
{
    /// <summary>
    /// Leaves in the generator's gradients the gradient of the MLE loss of <paramref name="shards"/> of step
    /// <paramref name="step"/>'s batch and returns that loss. The run's batch is workers x batchSize windows drawn as a
    /// single worker with that batch draws them; shard k is rows [k x batchSize, (k + 1) x batchSize), so the shards of
    /// all workers together are exactly one big batch. Randomness is seeded from (seed, step) as for a plain step.
    /// </summary>
    public ShardLoss ComputeShardGradient(long step, IReadOnlyList<int> shards)
    {
        RequireDataParallelStep(step);
        if (shards.Count == 0 || shards.Any(s => s < 0 || s >= Config.Workers) || shards.Distinct().Count() != shards.Count)
            throw new ArgumentException($"shards: [{string.Join(", ", shards)}] are not distinct shards of 0..{Config.Workers - 1}");
        manual_seed(unchecked(Config.Seed * 1_000_003 + step));
        random.manual_seed(unchecked(Config.Seed * 7_919 + step * 104_729 + 17));
        int batch = Config.BatchSize;
        int[] all = windows.Starts(step, draw: 0, batch * Config.Workers);
        int[] starts = shards.SelectMany(shard => all.Skip(shard * batch).Take(batch)).ToArray();
        var optimizer = GeneratorOptimizerFor(step);
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        var (inputs, targets, melody) = MleBatch(starts);
        var loss = MleLoss(Generator.forward(inputs, melody), targets);
        loss.backward();
        using var ignored = TorchScalars.Of(Config.Model.PadTokenId ?? -100);
        long tokens = targets.ne(ignored).sum().item<long>();
        return new ShardLoss(tokens > 0 ? loss.item<float>() : 0, tokens);
    }

    /// <summary>The generator's gradients as one vector (<see cref="ParameterVector"/>).</summary>
    public float[] GradientVector() => ParameterVector.Gradients(Generator);

    /// <summary>The generator's parameters as one vector.</summary>
    public float[] ParameterValues() => ParameterVector.Values(Generator);

    /// <summary>Sets the generator's parameters (the outer step of local mode, or a worker joining a run).</summary>
    public void SetParameterValues(ReadOnlySpan<float> values) => ParameterVector.SetValues(Generator, values);

    /// <summary>
    /// The optimizer step of <paramref name="step"/> (clipping, the scheduled rate, AdamW) with <paramref name="gradient"/>
    /// written into the generator's gradients first, or, when null, with the gradient already there (a local step).
    /// Returns the learning rate used.
    /// </summary>
    public double ApplyShardStep(long step, ReadOnlySpan<float> gradient, bool useGiven)
    {
        RequireDataParallelStep(step);
        if (useGiven) ParameterVector.SetGradients(Generator, gradient);
        double rate = ScheduledRate(step);
        var optimizer = GeneratorOptimizerFor(step);
        SetRate(optimizer, rate);
        using var scope = NewDisposeScope();
        ClipGenerator();
        optimizer.step();
        return rate;
    }

    /// <summary>
    /// A round of local mode: <paramref name="steps"/> steps from <paramref name="step"/> on, each on
    /// <paramref name="shards"/> of its batch with this trainer's own optimizer. Returns each step's loss and tokens, and
    /// the parameter change of the round (parameters after - before).
    /// </summary>
    public (ShardLoss[] Losses, float[] Delta) TrainLocalRound(long step, int steps, IReadOnlyList<int> shards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        float[] before = ParameterValues();
        var losses = new ShardLoss[steps];
        for (int k = 0; k < steps; k++)
        {
            losses[k] = ComputeShardGradient(step + k, shards);
            ApplyShardStep(step + k, default, useGiven: false);
        }
        float[] delta = ParameterValues();
        for (int i = 0; i < delta.Length; i++) delta[i] -= before[i];
        return (losses, delta);
    }

    /// <summary>The MLE learning rate of <paramref name="step"/>: the schedule with the current peak.</summary>
    public double ScheduledRate(long step)
    {
        lock (rateLock) return (Config.MleSchedule() with { PeakRate = mlePeakRate }).RateAt(step);
    }

    /// <summary>
    /// A copy of this trainer's whole state (weights, optimizers, step) for another in-process worker, made the way a
    /// remote worker gets it: through a checkpoint.
    /// </summary>
    public Trainer Replica()
    {
        var checkpoint = ModelCheckpoint.Unpack(CreateCheckpoint(), "replica", Vocabulary);
        return Resume(checkpoint, "replica", Vocabulary, trainSequences, validSequences, dataset);
    }

    private void RequireDataParallelStep(long step)
    {
        if (step < 0 || step >= Config.MleSteps)
            throw new ArgumentOutOfRangeException(nameof(step), step, $"data-parallel steps are MLE steps, [0, {Config.MleSteps})");
    }
}
