namespace MusicCluster.Music.Training;

/// <summary>
/// Linear warm-up from 0 to the peak rate over <see cref="WarmupSteps"/>, then a cosine decay to
/// <see cref="MinimumRatio"/> x peak at <see cref="TotalSteps"/>, flat after that. The peak can change mid-run
/// (a user adjusting the learning rate); the shape stays.
/// </summary>
public sealed record LearningRateSchedule(double PeakRate, int WarmupSteps, int TotalSteps, double MinimumRatio = 0.1)
{
    public double RateAt(long step)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "steps count from 0");
        if (WarmupSteps > 0 && step < WarmupSteps) return PeakRate * (step + 1) / WarmupSteps;
        long decaySteps = Math.Max(1, TotalSteps - WarmupSteps);
        double progress = Math.Min(1.0, (double)(step - WarmupSteps) / decaySteps);
        double cosine = 0.5 * (1 + Math.Cos(Math.PI * progress));
        return PeakRate * (MinimumRatio + (1 - MinimumRatio) * cosine);
    }

    /// <summary>Field-level problems, empty when the schedule is usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (!(PeakRate > 0) || double.IsInfinity(PeakRate)) yield return $"learningRate must be a positive number (got {PeakRate})";
        if (WarmupSteps < 0) yield return $"warmupSteps must be 0 or more (got {WarmupSteps})";
        if (TotalSteps < 1) yield return $"steps must be at least 1 (got {TotalSteps})";
        if (MinimumRatio is < 0 or > 1) yield return $"minLearningRateRatio must be within [0, 1] (got {MinimumRatio})";
    }
}
