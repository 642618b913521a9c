using MusicCluster.Music.Models;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Scoring;

/// <summary>
/// Scores token sequences with a critic and its calibration: per bar the calibrated score of the window of bars
/// ending with it, overall the calibrated mean of those raw scores. <see cref="StartLive"/> scores bars one by one
/// as tokens arrive and ends with the same result as <see cref="Score"/> over the whole sequence.
/// Not thread-safe: one scorer per thread (the critic module is shared state).
/// </summary>
public sealed class CriticScorer
{
    public CriticScorer(TransformerCritic critic, Vocabulary vocabulary, ScoreCalibration calibration, CriticScorerOptions? options = null)
    {
        Windows = new CriticWindowScorer(critic, vocabulary, options);
        Calibration = calibration ?? throw new ArgumentNullException(nameof(calibration));
    }

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
