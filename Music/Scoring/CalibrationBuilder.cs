namespace MusicCluster.Music.Scoring;

/// <summary>Builds a <see cref="ScoreCalibration"/> from a critic's raw scores of every bar window of held-out real
/// sequences; it records the window size, so scoring uses the same windows.</summary>
public static class CalibrationBuilder
{
    /// <param name="heldOutReal">Real token sequences the critic was not trained on (a valid or test split).</param>
    public static ScoreCalibration FromRealSequences(CriticWindowScorer windows, IEnumerable<IReadOnlyList<int>> heldOutReal, string modelId, string checkpointId)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(heldOutReal);
        var raw = new List<double>();
        foreach (var sequence in heldOutReal) raw.AddRange(windows.ScoreBars(sequence));
        if (raw.Count == 0) throw new ArgumentException("no held-out real sequence was given: a calibration needs at least one", nameof(heldOutReal));
        return ScoreCalibration.Build(raw, modelId, checkpointId, windows.Options.WindowBars);
    }
}
