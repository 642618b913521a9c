using MusicCluster.Music.Models;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Scoring;

/// <summary>
/// Scores token sequences with a critic and its calibration: per bar the calibrated score of the window of bars
/// ending with it, overall the calibrated mean of those raw scores. <see cref="StartLive"/> scores bars one by one
/// as tokens arrive and ends with the same result as <see cref="Score"/> over the whole sequence. Windows have the
/// calibration's size (<see cref="ScoreCalibration.WindowBars"/>): percentiles of raw scores of other windows would
/// compare different things. Not thread-safe: one scorer per thread (the critic module is shared state).
/// </summary>
public sealed class CriticScorer
{
    /// <param name="options">Batch size and window size; null: the calibration's window size. Options with another
    /// window size than the calibration's are refused.</param>
    public CriticScorer(TransformerCritic critic, Vocabulary vocabulary, ScoreCalibration calibration, CriticScorerOptions? options = null)
    {
        Calibration = calibration ?? throw new ArgumentNullException(nameof(calibration));
        options = (options ?? ForCalibration(calibration)).EnsureValid();
        if (options.WindowBars != calibration.WindowBars)
            throw new ArgumentException(
                $"the calibration of {calibration.ModelId}/{calibration.CheckpointId} was made with windows of " +
                $"{calibration.WindowBars} bars, not {options.WindowBars}: scores of other windows are on another scale",
                nameof(options));
        Windows = new CriticWindowScorer(critic, vocabulary, options);
    }

    /// <summary>Default options with the calibration's window size (set a batch size with <c>with</c>).</summary>
    public static CriticScorerOptions ForCalibration(ScoreCalibration calibration) =>
        new() { WindowBars = (calibration ?? throw new ArgumentNullException(nameof(calibration))).WindowBars };

    public CriticWindowScorer Windows { get; }

    public ScoreCalibration Calibration { get; }

    public string ModelId => Calibration.ModelId;

    public string CheckpointId => Calibration.CheckpointId;

    /// <summary>Scores a whole token sequence (its last bar is taken as complete).</summary>
    public PieceScore Score(IReadOnlyList<int> tokens) => FromRaw(Windows.ScoreBars(tokens));

    /// <summary>Starts scoring a sequence that arrives token by token.</summary>
    public CriticLiveScore StartLive() => new(this);

    /// <summary>The calibrated score of raw per-bar critic outputs (e.g. scored in a batch with other pieces' windows).</summary>
    public PieceScore FromRaw(double[] rawBars)
    {
        double rawOverall = rawBars.Average();
        return new PieceScore(Calibration.Percentile(rawOverall), Array.ConvertAll(rawBars, Calibration.Percentile), ModelId, CheckpointId)
        {
            RawOverall = rawOverall,
            RawBars = rawBars,
        };
    }

    internal BarScore BarFromRaw(int bar, double raw) => new(bar, Calibration.Percentile(raw), raw, ModelId, CheckpointId);
}
