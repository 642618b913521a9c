using MusicCluster.Music.Scoring;

namespace MusicCluster.Music.Tests.Scoring;

public sealed class CalibrationTests
{
    private static readonly ScoreCalibration Sample = ScoreCalibration.Build([3.0, 1.0, 2.0, 2.0, 4.0], "model-a", "ckpt-7");

    [Fact]
    public void Percentile_counts_the_share_below_plus_half_the_ties_and_clamps_to_0_100()
    {
        Assert.Equal(0.0, Sample.Percentile(-1e9));
        Assert.Equal(0.0, Sample.Percentile(0.5));
        Assert.Equal(10.0, Sample.Percentile(1.0), 9);     // half of one of five
        Assert.Equal(20.0, Sample.Percentile(1.5), 9);     // one of five below
        Assert.Equal(40.0, Sample.Percentile(2.0), 9);     // one below, two tied: (1 + 1) / 5
        Assert.Equal(100.0, Sample.Percentile(4.5));
        Assert.Equal(100.0, Sample.Percentile(double.PositiveInfinity));
        Assert.Equal(0.0, Sample.Percentile(double.NegativeInfinity));
        Assert.Equal(50.0, ScoreCalibration.Build([7, 7, 7], "m", "c").Percentile(7), 9);
        Assert.Throws<ArgumentException>(() => Sample.Percentile(double.NaN));
    }

    [Fact]
    public void Percentile_never_decreases_as_the_raw_score_grows()
    {
        var random = new Random(5);
        var calibration = ScoreCalibration.Build(Enumerable.Range(0, 500).Select(_ => Math.Round(random.NextDouble() * 10, 1)), "m", "c");
        double previous = -1;
        for (double raw = -1; raw <= 11; raw += 0.01)
        {
            double percentile = calibration.Percentile(raw);
            Assert.InRange(percentile, 0, 100);
            Assert.True(percentile >= previous, $"percentile fell from {previous} to {percentile} at raw {raw}");
            previous = percentile;
        }
    }

    [Fact]
    public void Json_round_trip_keeps_the_scores_the_window_size_and_the_model_it_belongs_to()
    {
        var copy = ScoreCalibration.FromJson(ScoreCalibration.Build([3.0, 1.0, 2.0, 2.0, 4.0], "model-a", "ckpt-7", windowBars: 6).ToJson());
        Assert.Equal("model-a", copy.ModelId);
        Assert.Equal("ckpt-7", copy.CheckpointId);
        Assert.Equal(6, copy.WindowBars);
        Assert.Equal([1.0, 2.0, 2.0, 3.0, 4.0], copy.ReferenceScores);
        Assert.Equal(Sample.Percentile(2.5), copy.Percentile(2.5));
    }

    [Fact]
    public void A_format_1_file_without_a_window_size_reads_as_windows_of_four_bars()
    {
        var old = ScoreCalibration.FromJson("""{"formatVersion":1,"modelId":"m","checkpointId":"c","referenceScores":[1,2]}""");
        Assert.Equal(ScoreCalibration.FormatVersion1WindowBars, old.WindowBars);
        Assert.Equal(4, old.WindowBars);
        Assert.Equal(75.0, old.Percentile(2), 9);
    }

    [Fact]
    public void Build_refuses_a_window_size_out_of_range()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ScoreCalibration.Build([1], "m", "c", windowBars: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ScoreCalibration.Build([1], "m", "c", windowBars: 1025));
    }

    [Theory]
    [InlineData("{", "$")]
    [InlineData("""{"formatVersion":3,"modelId":"m","checkpointId":"c","windowBars":4,"referenceScores":[1]}""", "formatVersion")]
    [InlineData("""{"formatVersion":2,"modelId":"m","checkpointId":"c","referenceScores":[1]}""", "windowBars")]
    [InlineData("""{"formatVersion":2,"modelId":"m","checkpointId":"c","windowBars":0,"referenceScores":[1]}""", "windowBars")]
    [InlineData("""{"formatVersion":2,"modelId":"m","checkpointId":"c","windowBars":"four","referenceScores":[1]}""", "windowBars")]
    [InlineData("""{"formatVersion":1,"checkpointId":"c","referenceScores":[1]}""", "modelId")]
    [InlineData("""{"formatVersion":1,"modelId":"m","referenceScores":[1]}""", "checkpointId")]
    [InlineData("""{"formatVersion":1,"modelId":"m","checkpointId":"c","referenceScores":[]}""", "referenceScores")]
    [InlineData("""{"formatVersion":1,"modelId":"m","checkpointId":"c","referenceScores":[1,3,2]}""", "referenceScores[2]")]
    [InlineData("""{"formatVersion":1,"modelId":"m","checkpointId":"c","referenceScores":"x"}""", "referenceScores")]
    public void Malformed_json_is_refused_naming_the_source_and_field(string json, string field)
    {
        var error = Assert.Throws<CalibrationFormatException>(() => ScoreCalibration.FromJson(json, "models/m/c.calibration.json"));
        Assert.StartsWith(field, error.Field);
        Assert.Contains("models/m/c.calibration.json", error.Message);
    }

    [Fact]
    public void Build_refuses_empty_or_non_finite_scores_and_thins_huge_sets()
    {
        Assert.Throws<ArgumentException>(() => ScoreCalibration.Build([], "m", "c"));
        Assert.Contains("raw score 1", Assert.Throws<ArgumentException>(() => ScoreCalibration.Build([1, double.NaN], "m", "c")).Message);
        Assert.Throws<ArgumentException>(() => ScoreCalibration.Build([1], "", "c"));
        var big = ScoreCalibration.Build(Enumerable.Range(0, 250_000).Select(i => (double)i), "m", "c");
        Assert.Equal(ScoreCalibration.MaxReferenceScores, big.ReferenceScores.Count);
        Assert.Equal(0, big.ReferenceScores[0]);
        Assert.Equal(249_999, big.ReferenceScores[^1]);
        Assert.Equal(50.0, big.Percentile(125_000), 1);
    }
}
