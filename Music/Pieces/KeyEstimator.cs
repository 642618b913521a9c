namespace MusicCluster.Music.Pieces;

/// <summary>
/// The key a piece without a key signature is most likely in, for notation and titles. The signature is the major
/// scale (or its relative minor) holding the largest share of the piece's sounding time; a tie goes to fewer
/// accidentals. Minor when the lowest note of the final chord is the relative minor's tonic, or otherwise when the
/// minor's raised leading tone sounds longer than the major's dominant-of-the-relative (G# against G in A minor / C
/// major); else major. Generated chorales carry no key signature: without one, notation is spelled in C and an
/// E-flat chorale comes out in D-sharps.
/// </summary>
public static class KeyEstimator
{
    /// <summary>The estimated key at tick 0, or null for a piece without notes.</summary>
    public static KeySignature? Estimate(Piece piece)
    {
        ArgumentNullException.ThrowIfNull(piece);
        if (piece.Notes.Count == 0) return null;
        var time = new double[12];
        foreach (Note note in piece.Notes) time[PitchClass(note.Pitch)] += Math.Max(1, note.Duration);

        int bestSharps = 0;
        double bestShare = double.NegativeInfinity;
        foreach (int sharps in Enumerable.Range(-6, 13).OrderBy(Math.Abs).ThenBy(s => s))
        {
            int tonic = PitchClass(sharps * 7);
            double share = MajorScale.Sum(step => time[(tonic + step) % 12]);
            if (share > bestShare + 1e-9) (bestSharps, bestShare) = (sharps, share);
        }

        int majorTonic = PitchClass(bestSharps * 7), minorTonic = (majorTonic + 9) % 12;
        long lastStart = piece.Notes.Max(n => n.Start);
        int finalBass = PitchClass(piece.Notes.Where(n => n.Start == lastStart).Min(n => n.Pitch));
        bool minor = finalBass == minorTonic || (finalBass != majorTonic && time[(minorTonic + 11) % 12] > time[(minorTonic + 10) % 12]);
        return new KeySignature(0, bestSharps, minor);
    }

    private static readonly int[] MajorScale = [0, 2, 4, 5, 7, 9, 11];

    private static int PitchClass(int pitch) => ((pitch % 12) + 12) % 12;
}
