using MusicCluster.Music.Pieces;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Tests.Notation;
using static MusicCluster.Music.Tests.Notation.TestPieces;

namespace MusicCluster.Music.Tests.Scoring;

public class ObjectiveMetricsTests
{
    /// <summary>C4 D4 E4 F4 G4 A4 B4, one quarter each: seven pitch classes, each once.</summary>
    private static Piece SevenNoteScale() => Make(new[] { 60, 62, 64, 65, 67, 69, 71 }.Select((p, i) => Q(p, i, 1)));

    [Fact]
    public void MajorScaleHasKnownValues()
    {
        Piece scale = SevenNoteScale();
        Assert.Equal(11, ObjectiveMetrics.PitchRange(scale));
        Assert.Equal(7, ObjectiveMetrics.PitchesUsed(scale));
        Assert.Equal(7, ObjectiveMetrics.PitchClassesUsed(scale));
        Assert.Equal(Math.Log2(7), ObjectiveMetrics.PitchClassEntropy(scale), 12);
        Assert.Equal(Math.Log2(7), ObjectiveMetrics.PitchEntropy(scale), 12);
        Assert.Equal(1.0, ObjectiveMetrics.ScaleConsistency(scale));
        Assert.Equal(1.0, ObjectiveMetrics.Polyphony(scale));
        Assert.Equal(0.0, ObjectiveMetrics.PolyphonyRate(scale));
        Assert.Equal(0.0, ObjectiveMetrics.EmptyBeatRate(scale));
        Assert.Equal(1.0, ObjectiveMetrics.AverageInterOnsetInterval(scale));
        Assert.Equal(11.0 / 6, ObjectiveMetrics.AveragePitchInterval(scale), 12); // steps 2 2 1 2 2 2

        double[] pitchClasses = ObjectiveMetrics.PitchClassHistogram(scale);
        Assert.Equal([1 / 7.0, 0, 1 / 7.0, 0, 1 / 7.0, 1 / 7.0, 0, 1 / 7.0, 0, 1 / 7.0, 0, 1 / 7.0], pitchClasses.Select(v => Math.Round(v, 12)).ToArray(),
            new RoundedComparer());
        double[] lengths = ObjectiveMetrics.NoteLengthHistogram(scale);
        Assert.Equal(1.0, lengths[2]); // every note is a quarter
        double[] intervals = ObjectiveMetrics.IntervalHistogram(scale);
        Assert.Equal(1 / 6.0, intervals[ObjectiveMetrics.MaxInterval + 1], 12); // E-F
        Assert.Equal(5 / 6.0, intervals[ObjectiveMetrics.MaxInterval + 2], 12); // the whole steps
    }

    [Fact]
    public void ChromaticNotesLowerScaleConsistencyAndRaiseEntropy()
    {
        // Eleven notes of C major plus one C#: 11/12 of the notes fit C major (or another scale at best).
        var notes = new[] { 60, 62, 64, 65, 67, 69, 71, 72, 74, 76, 77, 61 }.Select((p, i) => Q(p, i, 1));
        Piece piece = Make(notes);
        Assert.Equal(11 / 12.0, ObjectiveMetrics.ScaleConsistency(piece), 12);
        Assert.Equal(8, ObjectiveMetrics.PitchClassesUsed(piece));
    }

    [Fact]
    public void HeldChordAfterSilenceGivesPolyphonyAndEmptyBeats()
    {
        // Four beats of silence, then a C major triad for four beats.
        Piece piece = Make([Q(60, 4, 4), Q(64, 4, 4), Q(67, 4, 4)]);
        Assert.Equal(3.0, ObjectiveMetrics.Polyphony(piece), 12);
        Assert.Equal(0.5, ObjectiveMetrics.PolyphonyRate(piece), 12);
        Assert.Equal(0.5, ObjectiveMetrics.PolyphonyRate(piece, threshold: 3), 12);
        Assert.Equal(0.0, ObjectiveMetrics.PolyphonyRate(piece, threshold: 4), 12);
        Assert.Equal(0.5, ObjectiveMetrics.EmptyBeatRate(piece), 12);
        // A silent beat between overlapping notes: beats 0-1 and 3 sound, beat 2 is empty.
        Assert.Equal(0.25, ObjectiveMetrics.EmptyBeatRate(Make([Q(60, 0, 1.5), Q(62, 0.5, 1.5), Q(64, 3, 1)])), 12);
    }

    [Fact]
    public void DoubledPitchesCountOnceAndDrumsAreIgnored()
    {
        // Two tracks doubling C4 and a drum hit: one pitch sounding at a time, as in a piano roll.
        Piece piece = Make([Q(60, 0, 2), Q(60, 0, 2, track: 1), Q(36, 0, 1, track: 2, channel: 9)]);
        Assert.Equal(1.0, ObjectiveMetrics.Polyphony(piece), 12);
        Assert.Equal(0, ObjectiveMetrics.PitchRange(piece));
        Assert.Equal(1, ObjectiveMetrics.PitchesUsed(piece));
    }

    [Fact]
    public void GrooveConsistencyComparesBarRhythms()
    {
        // Same rhythm in every bar: 1.
        Piece steady = Make(Enumerable.Range(0, 12).Select(i => Q(60, i, 1)));
        Assert.Equal(1.0, ObjectiveMetrics.GrooveConsistency(steady), 12);
        // Quarters, then eighths: on the 16-step grid the bars differ at the 4 off-beat eighths.
        Piece changing = Make(Enumerable.Range(0, 4).Select(i => Q(60, i, 1)).Concat(Enumerable.Range(0, 8).Select(i => Q(62, 4 + i * 0.5, 0.5))));
        Assert.Equal(1 - 4 / 16.0, ObjectiveMetrics.GrooveConsistency(changing), 12);
    }

    [Fact]
    public void NoteLengthsFallInTheirClasses()
    {
        // A dotted quarter, an eighth triplet and a half: one each.
        Piece piece = Make([Q(60, 0, 1.5), Q(62, 1.5, 1 / 3.0), Q(64, 2, 2)]);
        double[] histogram = ObjectiveMetrics.NoteLengthHistogram(piece);
        string[] names = ObjectiveMetrics.NoteLengthClasses.Select(c => c.Name).ToArray();
        Assert.Equal(1 / 3.0, histogram[Array.IndexOf(names, "dotted quarter")], 12);
        Assert.Equal(1 / 3.0, histogram[Array.IndexOf(names, "eighth triplet")], 12);
        Assert.Equal(1 / 3.0, histogram[Array.IndexOf(names, "half")], 12);
    }

    [Fact]
    public void TheMelodyIsTheSkylineAndIgnoresInnerVoicesUnderAHeldNote()
    {
        // Soprano E5 (half) then D5; the alto moves in quarters under the held E5, and a bass note joins.
        Piece piece = Make([Q(76, 0, 2), Q(74, 2, 2), Q(67, 0, 1), Q(65, 1, 1), Q(64, 2, 2), Q(48, 1, 3)]);
        Assert.Equal([76, 74], Melody.Skyline(piece).Select(n => n.Pitch));
        Assert.Equal(2.0, ObjectiveMetrics.AveragePitchInterval(piece));
    }

    [Fact]
    public void AnEmptyPieceHasUndefinedRatesInsteadOfCrashing()
    {
        PieceFeatures features = PieceFeatures.Of(new Piece());
        Assert.True(double.IsNaN(features.Scalars["polyphony"]));
        Assert.True(double.IsNaN(features.Scalars["pitch_class_entropy"]));
        Assert.Equal(0, features.Scalars["pitch_range"]);
        Assert.All(features.Histograms.Values, h => Assert.Equal(0, h.Sum()));
    }

    private sealed class RoundedComparer : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) < 1e-12;
        public int GetHashCode(double value) => 0;
    }
}
