using MusicCluster.Music.Data;
using MusicCluster.Music.Notation;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Scoring;

namespace MusicCluster.Music.Tests.Scoring;

public class ReferenceMetricsTests
{
    private static Piece Scale(int bars, int lowest)
    {
        // One quarter note per beat, rising, in 4/4: bars x 4 notes.
        var notes = Enumerable.Range(0, bars * 4).Select(i => new Note(lowest + i % 12, i * 480L, 480, 80, 0)).ToList();
        return new Piece { Notes = notes, TimeSignatures = [new TimeSignature(0, 4, 4)] };
    }

    [Fact]
    public void Percentiles_place_a_value_among_the_reference_values()
    {
        ReferenceMetrics reference = ReferenceMetrics.Compute(Enumerable.Range(0, 101).Select(i => Scale(1, 40 + i % 40)), "test", "train", 1);
        MetricDistribution notes = reference.Scalars["note_count"];
        Assert.Equal(101, notes.Count);
        Assert.Equal((4.0, 4.0), (notes.Min, notes.Max));
        Assert.Equal(101, notes.Percentiles.Length);
        Assert.Equal(ReferenceMetrics.HistogramBins, notes.Histogram.Length);
        Assert.Equal(101, notes.Histogram.Sum());

        var values = new MetricDistribution(101, 50, 29, 0, 100, Enumerable.Range(0, 101).Select(i => (double)i).ToArray(), new int[ReferenceMetrics.HistogramBins]);
        Assert.Equal(0, values.PercentileOf(-5));
        Assert.Equal(100, values.PercentileOf(1000));
        Assert.Equal(37.5, values.PercentileOf(37.5), 9);
        Assert.True(double.IsNaN(values.PercentileOf(double.NaN)));
    }

    [Fact]
    public void Pieces_are_cut_into_excerpts_of_whole_bars_starting_at_zero()
    {
        Piece piece = Scale(bars: 20, lowest: 60);
        List<Piece> excerpts = ReferenceMetrics.ExcerptsOf(piece, 8).ToList();
        Assert.Equal(2, excerpts.Count);
        Assert.All(excerpts, e =>
        {
            Assert.Equal(32, e.Notes.Count);
            Assert.Equal(0, e.Notes.Min(n => n.Start));
            Assert.Equal(8, BarGrid.Compute(e).Count);
        });
        Assert.Equal(piece.Notes[32].Pitch, excerpts[1].Notes[0].Pitch);
        // A piece shorter than an excerpt is one excerpt as it is.
        Assert.Same(piece, ReferenceMetrics.ExcerptsOf(piece, 32).Single());
    }

    [Fact]
    public void A_value_many_real_values_share_is_at_the_middle_of_their_percentiles_not_at_an_edge()
    {
        // Like a chorale's polyphony rate: a tenth of the real values 0.5, the rest 1.
        double[] percentiles = Enumerable.Range(0, 101).Select(p => p < 10 ? 0.5 : 1.0).ToArray();
        var shared = new MetricDistribution(101, 0.95, 0.15, 0.5, 1, percentiles, new int[ReferenceMetrics.HistogramBins]);
        Assert.Equal(55, shared.PercentileOf(1.0), 9);
        Assert.Equal(4.5, shared.PercentileOf(0.5), 9);
        Assert.Equal(9.5, shared.PercentileOf(0.75), 9);
        Assert.Equal(0, shared.PercentileOf(0.25));
        Assert.Equal(100, shared.PercentileOf(1.5));
    }

    [Fact]
    public void Compare_measures_a_long_piece_by_the_median_of_its_excerpts()
    {
        var pieces = SyntheticCorpus.Generate(12, seed: 2);
        ReferenceMetrics reference = ReferenceMetrics.Compute(pieces, "synthetic", "train", 2);
        Piece piece = pieces[0];
        List<Piece> excerpts = ReferenceMetrics.ExcerptsOf(piece, 2).ToList();
        Assert.True(excerpts.Count >= 3, $"the synthetic piece has {excerpts.Count} excerpts of 2 bars");

        PieceComparison comparison = reference.Compare(piece);
        Assert.Equal(BarGrid.Compute(piece).Count, comparison.Bars);
        Assert.Equal(excerpts.Count, comparison.Excerpts);
        Assert.Empty(comparison.LeftOut);
        var compared = comparison.Metrics.ToDictionary(m => m.Name);
        Assert.Equal(PieceFeatures.ScalarNames.Order(), compared.Keys.Order());
        double[] counts = excerpts.Select(e => (double)e.Notes.Count).Order().ToArray();
        double median = counts.Length % 2 == 1 ? counts[counts.Length / 2] : (counts[counts.Length / 2 - 1] + counts[counts.Length / 2]) / 2;
        Assert.Equal(median, compared["note_count"].Value);
        Assert.True(compared["note_count"].Value < piece.Notes.Count, "the note count of 2 bars, not of the whole piece");
        Assert.Equal(reference.Scalars["note_count"].PercentileOf(median), compared["note_count"].Percentile);
        Assert.All(compared.Values, m => Assert.InRange(m.Percentile, 0, 100));
        Assert.Equal(12, reference.MeanHistograms["pitch_class_histogram"].Length);
        Assert.Equal(1, reference.MeanHistograms["pitch_class_histogram"].Sum(), 9);
    }

    [Fact]
    public void Compare_leaves_out_the_length_dependent_metrics_of_a_piece_shorter_than_an_excerpt()
    {
        ReferenceMetrics reference = ReferenceMetrics.Compute(Enumerable.Range(0, 20).Select(i => Scale(8, 40 + i)), "test", "train", 8);
        PieceComparison comparison = reference.Compare(Scale(bars: 2, lowest: 60));
        Assert.Equal((2, 1), (comparison.Bars, comparison.Excerpts));
        Assert.Equal(PieceFeatures.ScalarNames.Where(PieceFeatures.LengthDependentNames.Contains), comparison.LeftOut);
        Assert.Contains("note_count", comparison.LeftOut);
        Assert.DoesNotContain(comparison.Metrics, m => PieceFeatures.LengthDependentNames.Contains(m.Name));
        // What does not grow with length is still compared: a scale of quarter notes is as dense as the real scales.
        MetricComparison onsets = comparison.Metrics.Single(m => m.Name == "average_inter_onset_interval");
        Assert.Equal(reference.Scalars["average_inter_onset_interval"].Mean, onsets.Value, 9);
        Assert.Equal(50, onsets.Percentile, 9);
    }

    [Fact]
    public void Json_round_trips_and_a_damaged_file_is_refused_naming_it_and_the_metric()
    {
        ReferenceMetrics reference = ReferenceMetrics.Compute(SyntheticCorpus.Generate(6, seed: 3), "synthetic", "train", 4);
        ReferenceMetrics read = ReferenceMetrics.FromJson(reference.ToJson(), "r.json");
        Assert.Equal(reference.Scalars["pitch_range"].Percentiles, read.Scalars["pitch_range"].Percentiles);
        Assert.Equal(reference.Excerpts, read.Excerpts);

        string damaged = reference.ToJson().Replace("\"percentiles\": [", "\"percentiles\": [1, ");
        var error = Assert.Throws<InvalidDataException>(() => ReferenceMetrics.FromJson(damaged, "r.json"));
        Assert.Contains("r.json", error.Message);
        Assert.Contains("101 percentiles", error.Message);
        Assert.Contains("r.json", Assert.Throws<InvalidDataException>(() => ReferenceMetrics.FromJson("{\"formatVersion\": 7}", "r.json")).Message);
        Assert.Contains("r.json", Assert.Throws<InvalidDataException>(() => ReferenceMetrics.FromJson("not json", "r.json")).Message);
    }
}
