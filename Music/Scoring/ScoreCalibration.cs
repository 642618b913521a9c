using System.Text.Json;
using System.Text.Json.Serialization;

namespace MusicCluster.Music.Scoring;

/// <summary>
/// Turns a critic's raw output into 0-100: its percentile among the raw scores of held-out real windows (a split
/// the critic was not trained on). 50 means "as real as a typical real window", 0 "below every real window".
/// The calibration belongs to one critic: it carries the model and checkpoint ids, and a scorer refuses a
/// calibration made for another checkpoint. It also records the window size (in bars) its raw scores were taken
/// over: raw scores of other windows are on another scale, so scoring uses the calibration's window size.
/// Stored as JSON beside the model.
/// </summary>
public sealed class ScoreCalibration
{
    /// <summary>Version 2 added <c>windowBars</c>; version 1 files (written before it) read as windows of
    /// <see cref="FormatVersion1WindowBars"/> bars, the size every calibration of that version was made with.</summary>
    public const int CurrentFormatVersion = 2;

    public const int FormatVersion1WindowBars = 4;

    /// <summary>Most reference scores kept; a larger set is thinned to evenly spaced quantiles, so a stored
    /// calibration (and a hostile file) stays small.</summary>
    public const int MaxReferenceScores = 100_000;

    private readonly double[] sorted;

    private ScoreCalibration(double[] sorted, string modelId, string checkpointId, int windowBars)
    {
        this.sorted = sorted;
        ModelId = modelId;
        CheckpointId = checkpointId;
        WindowBars = windowBars;
    }

    public string ModelId { get; }

    public string CheckpointId { get; }

    /// <summary>Bars per scoring window that the reference scores were taken over (see <see cref="CriticScorerOptions.WindowBars"/>).</summary>
    public int WindowBars { get; }

    /// <summary>The real windows' raw scores, ascending.</summary>
    public IReadOnlyList<double> ReferenceScores => sorted;

    /// <summary>A calibration from raw critic scores of real windows (any order, at least one, all finite).</summary>
    public static ScoreCalibration Build(IEnumerable<double> rawScores, string modelId, string checkpointId, int windowBars = CriticScorerOptions.DefaultWindowBars)
    {
        ArgumentNullException.ThrowIfNull(rawScores);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        ArgumentException.ThrowIfNullOrWhiteSpace(checkpointId);
        if (!CriticScorerOptions.IsValidWindowBars(windowBars))
            throw new ArgumentOutOfRangeException(nameof(windowBars), windowBars, CriticScorerOptions.WindowBarsRange);
        var scores = rawScores.ToArray();
        if (scores.Length == 0) throw new ArgumentException("a calibration needs at least one raw score of a real window", nameof(rawScores));
        for (int i = 0; i < scores.Length; i++)
            if (!double.IsFinite(scores[i]))
                throw new ArgumentException($"raw score {i} is {scores[i]}: every reference score must be finite", nameof(rawScores));
        Array.Sort(scores);
        if (scores.Length > MaxReferenceScores) scores = Thin(scores, MaxReferenceScores);
        return new ScoreCalibration(scores, modelId, checkpointId, windowBars);
    }

    /// <summary>
    /// The percentile of <paramref name="raw"/> among the reference scores, 0-100: the share below it plus half the
    /// share equal to it (mid-rank, so ties sit in the middle of their run and a value equal to every reference is 50).
    /// Non-decreasing in <paramref name="raw"/>; below all references 0, above all 100. NaN is refused.
    /// </summary>
    public double Percentile(double raw)
    {
        if (double.IsNaN(raw)) throw new ArgumentException("a raw critic score is NaN: the critic produced no usable output", nameof(raw));
        int below = LowerBound(raw);
        int notAbove = UpperBound(raw);
        double rank = below + 0.5 * (notAbove - below);
        return Math.Clamp(100.0 * rank / sorted.Length, 0.0, 100.0);
    }

    public string ToJson() => JsonSerializer.Serialize(new CalibrationDocument(CurrentFormatVersion, ModelId, CheckpointId, WindowBars, sorted), JsonOptions);

    /// <summary>Reads a stored calibration; anything malformed is a <see cref="CalibrationFormatException"/> naming the field.</summary>
    public static ScoreCalibration FromJson(string json, string source = "calibration")
    {
        CalibrationDocument? document;
        try { document = JsonSerializer.Deserialize<CalibrationDocument>(json, JsonOptions); }
        catch (JsonException e)
        {
            // Name the field as the other errors do ("referenceScores[3]"), not as a JSON path ("$.referenceScores[3]").
            string field = e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : e.Path ?? "$";
            throw new CalibrationFormatException(source, field, $"not valid calibration JSON: {e.Message}", e);
        }
        if (document is null) throw new CalibrationFormatException(source, "$", "the document is null");
        if (document.FormatVersion is not (1 or CurrentFormatVersion))
            throw new CalibrationFormatException(source, "formatVersion", $"format version {document.FormatVersion}; this build reads 1 to {CurrentFormatVersion}");
        int windowBars;
        if (document.FormatVersion == 1) windowBars = FormatVersion1WindowBars;
        else if (document.WindowBars is not { } stored) throw new CalibrationFormatException(source, "windowBars", "missing: format version 2 records the scoring window size");
        else if (!CriticScorerOptions.IsValidWindowBars(stored)) throw new CalibrationFormatException(source, "windowBars", $"{stored}: {CriticScorerOptions.WindowBarsRange}");
        else windowBars = stored;
        if (string.IsNullOrWhiteSpace(document.ModelId)) throw new CalibrationFormatException(source, "modelId", "missing or empty");
        if (string.IsNullOrWhiteSpace(document.CheckpointId)) throw new CalibrationFormatException(source, "checkpointId", "missing or empty");
        var scores = document.ReferenceScores;
        if (scores is null || scores.Length == 0) throw new CalibrationFormatException(source, "referenceScores", "missing or empty");
        if (scores.Length > MaxReferenceScores)
            throw new CalibrationFormatException(source, "referenceScores", $"{scores.Length} scores, more than the limit {MaxReferenceScores}");
        for (int i = 0; i < scores.Length; i++)
        {
            if (!double.IsFinite(scores[i])) throw new CalibrationFormatException(source, $"referenceScores[{i}]", $"{scores[i]} is not finite");
            if (i > 0 && scores[i] < scores[i - 1])
                throw new CalibrationFormatException(source, $"referenceScores[{i}]", $"{scores[i]} is below the score before it: the scores must be ascending");
        }
        return new ScoreCalibration(scores, document.ModelId, document.CheckpointId, windowBars);
    }

    private int LowerBound(double value)
    {
        int low = 0, high = sorted.Length;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (sorted[middle] < value) low = middle + 1; else high = middle;
        }
        return low;
    }

    private int UpperBound(double value)
    {
        int low = 0, high = sorted.Length;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (sorted[middle] <= value) low = middle + 1; else high = middle;
        }
        return low;
    }

    /// <summary>Evenly spaced order statistics of an ascending array, first and last kept.</summary>
    private static double[] Thin(double[] ascending, int count)
    {
        var kept = new double[count];
        for (int i = 0; i < count; i++) kept[i] = ascending[(int)((long)i * (ascending.Length - 1) / (count - 1))];
        return kept;
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private sealed record CalibrationDocument(
        [property: JsonPropertyName("formatVersion")] int FormatVersion,
        [property: JsonPropertyName("modelId")] string? ModelId,
        [property: JsonPropertyName("checkpointId")] string? CheckpointId,
        [property: JsonPropertyName("windowBars")] int? WindowBars,
        [property: JsonPropertyName("referenceScores")] double[]? ReferenceScores);
}
