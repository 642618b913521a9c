using MusicCluster.Music.Pieces;
using MusicCluster.Music.Scoring;
using static MusicCluster.Music.Tests.Notation.TestPieces;

namespace MusicCluster.Music.Tests.Scoring;

public class SetComparisonTests
{
    /// <summary>Diatonic melodies of varying length and register: a set with some spread in every feature.</summary>
    private static List<PieceFeatures> DiatonicSet(int count, int seed)
    {
        var random = new Random(seed);
        int[] scale = [0, 2, 4, 5, 7, 9, 11];
        return Enumerable.Range(0, count).Select(_ =>
        {
            int length = random.Next(8, 24), root = 55 + random.Next(12);
            var notes = Enumerable.Range(0, length).Select(i => Q(root + scale[random.Next(7)] + 12 * random.Next(2), i * 0.5, 0.5 * (1 + random.Next(2))));
            return PieceFeatures.Of(Make(notes));
        }).ToList();
    }

    /// <summary>Chromatic clusters: dense, atonal, long notes.</summary>
    private static List<PieceFeatures> ChromaticSet(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
            PieceFeatures.Of(Make(Enumerable.Range(0, 16).SelectMany(i => Enumerable.Range(0, 4).Select(v => Q(40 + random.Next(48), i * 2, 2))))))
            .ToList();
    }

    [Fact]
    public void ASetAgainstItselfOverlapsCompletely()
    {
        var set = DiatonicSet(30, 1);
        var comparisons = SetComparison.Compare(set, set);
        foreach (FeatureComparison c in comparisons.Where(c => PieceFeatures.ScalarNames.Contains(c.Feature) && !double.IsNaN(c.OverlapArea)))
        {
            Assert.True(Math.Abs(c.OverlapArea - 1) < 1e-9, $"{c.Feature}: OA {c.OverlapArea}");
            Assert.True(c.KlDivergence < 1e-9, $"{c.Feature}: KL {c.KlDivergence}");
        }
        Assert.Equal(1.0, comparisons.Single(c => c.Feature == "scale_consistency").OverlapArea, 9);
    }

    [Fact]
    public void DifferentMusicOverlapsLittleAndDivergesMore()
    {
        var reference = DiatonicSet(30, 2);
        var similar = DiatonicSet(30, 3);
        var different = ChromaticSet(30, 4);
        var close = SetComparison.Compare(similar, reference).ToDictionary(c => c.Feature);
        var far = SetComparison.Compare(different, reference).ToDictionary(c => c.Feature);

        // Scale consistency: all diatonic pieces score 1, chromatic clusters far less.
        Assert.True(far["scale_consistency"].OverlapArea < 0.1, $"OA {far["scale_consistency"].OverlapArea}");
        Assert.True(close["scale_consistency"].OverlapArea > 0.9, $"OA {close["scale_consistency"].OverlapArea}");
        Assert.True(far["polyphony"].KlDivergence > close["polyphony"].KlDivergence);
        Assert.True(far["pitch_class_entropy"].OverlapArea < close["pitch_class_entropy"].OverlapArea);
        // Relative (Yang & Lerch) measures on a histogram feature: a similar set overlaps the reference's own spread more.
        Assert.True(close["pitch_class_histogram"].IntraInterOverlapArea > far["pitch_class_histogram"].IntraInterOverlapArea);
        Assert.True(close["pitch_class_histogram"].IntraInterKlDivergence < far["pitch_class_histogram"].IntraInterKlDivergence);
    }

    [Fact]
    public void OverlapOfTwoKnownGaussiansMatchesTheory()
    {
        // Large samples of N(0,1) and N(1,1): OA = 2Φ(-1/2) ≈ 0.6171, KL = 1/2 nat. KDE smoothing widens both a little.
        var random = new Random(7);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var a = Enumerable.Range(0, 4000).Select(_ => Normal()).ToList();
        var b = Enumerable.Range(0, 4000).Select(_ => Normal() + 1).ToList();
        KernelDensity.Comparison comparison = KernelDensity.Compare(a, b);
        Assert.InRange(comparison.OverlapArea, 0.59, 0.65);
        Assert.InRange(comparison.KlDivergence, 0.42, 0.55);
    }
}
