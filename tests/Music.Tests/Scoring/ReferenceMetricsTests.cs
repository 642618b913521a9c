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
    public void Compare_reports_the_pieces_own_metric_values()
    {
        var pieces = SyntheticCorpus.Generate(12, seed: 2);
        ReferenceMetrics reference = ReferenceMetrics.Compute(pieces, "synthetic", "train", 4);
        var compared = reference.Compare(pieces[0]).ToDictionary(m => m.Name);
        Assert.Equal(ObjectiveMetrics.PitchRange(pieces[0]), compared["pitch_range"].Value);
        Assert.All(compared.Values, m => Assert.InRange(m.Percentile, 0, 100));
        Assert.Equal(12, reference.MeanHistograms["pitch_class_histogram"].Length);
        Assert.Equal(1, reference.MeanHistograms["pitch_class_histogram"].Sum(), 9);
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
