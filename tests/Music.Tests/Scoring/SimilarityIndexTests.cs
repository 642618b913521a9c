using MusicCluster.Music.Pieces;
using MusicCluster.Music.Scoring;
using static MusicCluster.Music.Tests.Notation.TestPieces;

namespace MusicCluster.Music.Tests.Scoring;

public class SimilarityIndexTests
{
    private const int MelodyLength = 48;

    /// <summary>A random diatonic melody with varied rhythm (eighths to halves), from a seed.</summary>
    private static List<(int Pitch, double Start, double Length)> RandomMelody(int seed)
    {
        var random = new Random(seed);
        int[] scale = [0, 2, 4, 5, 7, 9, 11, 12, 14, 16];
        double[] lengths = [0.5, 1, 1, 1.5, 2];
        var melody = new List<(int, double, double)>();
        double time = 0;
        for (int i = 0; i < MelodyLength; i++)
        {
            double length = lengths[random.Next(lengths.Length)];
            melody.Add((60 + scale[random.Next(scale.Length)], time, length));
            time += length;
        }
        return melody;
    }

    private static Piece ToPiece(IEnumerable<(int Pitch, double Start, double Length)> melody) =>
        Make(melody.Select(n => Q(n.Pitch, n.Start, n.Length)));

    private static SimilarityIndex Collection(SimilarityOptions? options = null) =>
        new(Enumerable.Range(1, 6).Select(seed => ($"ref-{seed}", ToPiece(RandomMelody(seed)))), options);

    [Fact]
    public void ACopyWithAFewNotesChangedIsFlaggedAndItsPassageLocated()
    {
        var copy = RandomMelody(2);
        // Raise three notes by a semitone: each breaks the two intervals around it.
        foreach (int index in new[] { 10, 22, 40 }) copy[index] = copy[index] with { Pitch = copy[index].Pitch + 1 };

        SimilarityReport report = Collection().Query(ToPiece(copy));

        Assert.True(report.Flagged);
        SimilarityMatch match = Assert.Single(report.Copied);
        Assert.Equal("ref-2", match.ReferenceId);
        Assert.Equal("ref-2", report.Nearest[0].ReferenceId);
        // Notes 10, 22 and 40 are not in any shared run of 6 intervals; the other 45 are.
        Assert.Equal(45 / 48.0, match.CopiedShare, 12);
        // The longest unchanged stretch: notes 23..39 (intervals 23..38) in both pieces.
        long tick = (long)Math.Round(copy[23].Start * Tpq);
        Assert.Equal(new SharedPassage(23, 23, 17, tick, tick), match.LongestSharedPassage);
        Assert.True(match.RhythmSimilarity > 0.99, $"rhythm similarity {match.RhythmSimilarity}");
    }

    [Fact]
    public void ATransposedCopyLaterInAPieceIsStillFound()
    {
        // Eight unrelated opening notes, then reference 4 a fourth higher.
        var opening = Enumerable.Range(0, 8).Select(i => (Pitch: 40 + (i * 5) % 7, Start: i * 0.25, Length: 0.25));
        var transposed = RandomMelody(4).Select(n => (n.Pitch + 5, n.Start + 2, n.Length));
        SimilarityReport report = Collection().Query(ToPiece(opening.Concat(transposed)));

        SimilarityMatch match = Assert.Single(report.Copied);
        Assert.Equal("ref-4", match.ReferenceId);
        Assert.Equal(1.0, match.CopiedShare, 12);
        Assert.Equal(8, match.LongestSharedPassage!.PieceStartNote);
        Assert.Equal(0, match.LongestSharedPassage.ReferenceStartNote);
        Assert.Equal(MelodyLength, match.LongestSharedPassage.LengthNotes);
        Assert.Equal(2 * Tpq, match.LongestSharedPassage.PieceStartTick);
    }

    [Fact]
    public void UnrelatedPiecesAreNotFlagged()
    {
        var index = Collection();
        for (int seed = 100; seed < 110; seed++)
        {
            SimilarityReport report = index.Query(ToPiece(RandomMelody(seed)));
            Assert.False(report.Flagged, $"seed {seed} flagged as a copy of {string.Join(", ", report.Copied.Select(c => $"{c.ReferenceId} ({c.CopiedShare:P0})"))}");
            Assert.All(report.Nearest, m => Assert.True(m.CopiedShare < 0.5));
            Assert.All(report.Nearest, m => Assert.True(m.IntervalSimilarity < 0.5, $"{m.ReferenceId}: interval similarity {m.IntervalSimilarity}"));
        }
    }

    [Fact]
    public void FragmentsOfAReferenceInAnotherOrderAreNotACopy()
    {
        // Reference 3 cut into six 8-note fragments, played last to first with a leap between them: every run of six
        // intervals exists in the piece, but no two fragments follow each other as in the reference.
        var reference = RandomMelody(3);
        var shuffled = new List<(int Pitch, double Start, double Length)>();
        double time = 0;
        for (int fragment = 5; fragment >= 0; fragment--)
            foreach (var note in reference.Skip(fragment * 8).Take(8))
            {
                shuffled.Add((note.Pitch + (fragment % 2) * 13, time, note.Length));
                time += note.Length;
            }
        SimilarityReport report = Collection().Query(ToPiece(shuffled));
        Assert.False(report.Flagged);
        SimilarityMatch match = report.Nearest.Single(m => m.ReferenceId == "ref-3");
        Assert.InRange(match.CopiedShare, 8 / 48.0, 16 / 48.0);
    }

    [Fact]
    public void TheThresholdIsConfigurable()
    {
        var copy = RandomMelody(2);
        foreach (int index in new[] { 10, 22, 40 }) copy[index] = copy[index] with { Pitch = copy[index].Pitch + 1 };
        // 45/48 = 0.9375 of the reference is copied: flagged at 0.9, not at 0.95.
        Assert.True(Collection(new SimilarityOptions { CopyThreshold = 0.9 }).Query(ToPiece(copy)).Flagged);
        Assert.False(Collection(new SimilarityOptions { CopyThreshold = 0.95 }).Query(ToPiece(copy)).Flagged);
    }

    [Fact]
    public void AnIdenticalPieceIsNearestWithFullSimilarity()
    {
        SimilarityReport report = Collection().Query(ToPiece(RandomMelody(5)));
        SimilarityMatch best = report.Nearest[0];
        Assert.Equal("ref-5", best.ReferenceId);
        Assert.Equal(1.0, best.Score, 12);
        Assert.Equal(5, report.Nearest.Count);
        Assert.True(report.Nearest[1].Score < 0.5);
    }

    [Fact]
    public void PiecesWithoutMelodyAreHandled()
    {
        SimilarityReport report = Collection().Query(new Piece());
        Assert.False(report.Flagged);
        Assert.All(report.Nearest, m => Assert.Equal(0, m.Score));
        Assert.All(report.Nearest, m => Assert.Null(m.LongestSharedPassage));
    }
}
