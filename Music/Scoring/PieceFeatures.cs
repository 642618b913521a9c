using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Scoring;

/// <summary>
/// All objective metrics of one piece: scalar features by name (NaN where undefined) and the histogram features.
/// Names are stable snake_case keys, used in reports and JSON.
/// </summary>
public sealed record PieceFeatures(IReadOnlyDictionary<string, double> Scalars, IReadOnlyDictionary<string, double[]> Histograms)
{
    public static readonly IReadOnlyList<string> ScalarNames =
    [
        "pitch_range", "pitches_used", "pitch_classes_used", "polyphony", "polyphony_rate", "pitch_entropy",
        "pitch_class_entropy", "scale_consistency", "empty_beat_rate", "groove_consistency", "note_count",
        "average_pitch_interval", "average_inter_onset_interval",
    ];

    /// <summary>
    /// Scalars that grow with a piece's length (counts, the range and the entropies of the notes it has): they compare
    /// only between stretches of music of the same length.
    /// </summary>
    public static readonly IReadOnlySet<string> LengthDependentNames =
        new HashSet<string>(StringComparer.Ordinal) { "pitch_range", "pitches_used", "pitch_classes_used", "pitch_entropy", "pitch_class_entropy", "note_count" };

    public static readonly IReadOnlyList<string> HistogramNames = ["pitch_class_histogram", "note_length_histogram", "interval_histogram"];

    public static PieceFeatures Of(Piece piece)
    {
        var scalars = new Dictionary<string, double>
        {
            ["pitch_range"] = ObjectiveMetrics.PitchRange(piece),
            ["pitches_used"] = ObjectiveMetrics.PitchesUsed(piece),
            ["pitch_classes_used"] = ObjectiveMetrics.PitchClassesUsed(piece),
            ["polyphony"] = ObjectiveMetrics.Polyphony(piece),
            ["polyphony_rate"] = ObjectiveMetrics.PolyphonyRate(piece),
            ["pitch_entropy"] = ObjectiveMetrics.PitchEntropy(piece),
            ["pitch_class_entropy"] = ObjectiveMetrics.PitchClassEntropy(piece),
            ["scale_consistency"] = ObjectiveMetrics.ScaleConsistency(piece),
            ["empty_beat_rate"] = ObjectiveMetrics.EmptyBeatRate(piece),
            ["groove_consistency"] = ObjectiveMetrics.GrooveConsistency(piece),
            ["note_count"] = piece.Notes.Count(n => n.Channel != ObjectiveMetrics.DrumChannel),
            ["average_pitch_interval"] = ObjectiveMetrics.AveragePitchInterval(piece),
            ["average_inter_onset_interval"] = ObjectiveMetrics.AverageInterOnsetInterval(piece),
        };
        var histograms = new Dictionary<string, double[]>
        {
            ["pitch_class_histogram"] = ObjectiveMetrics.PitchClassHistogram(piece),
            ["note_length_histogram"] = ObjectiveMetrics.NoteLengthHistogram(piece),
            ["interval_histogram"] = ObjectiveMetrics.IntervalHistogram(piece),
        };
        return new PieceFeatures(scalars, histograms);
    }
}
