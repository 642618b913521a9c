using MusicCluster.Music.Notation;
using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Scoring;

/// <summary>
/// Objective metrics of one piece, defined as in MusPy (Dong et al. 2020) and Yang &amp; Lerch (2018). Drum notes
/// (channel 10, index 9) are left out of every pitch-based metric, as MusPy does. Time steps are ticks; a beat is a
/// quarter note. Metrics that are undefined for a piece (no notes) are NaN.
/// </summary>
public static class ObjectiveMetrics
{
    public const int DrumChannel = 9;

    /// <summary>The note lengths of Yang &amp; Lerch's 12-class note-length histogram, in quarter notes.</summary>
    public static readonly IReadOnlyList<(string Name, double Quarters)> NoteLengthClasses =
    [
        ("whole", 4), ("half", 2), ("quarter", 1), ("eighth", 0.5), ("16th", 0.25),
        ("dotted half", 3), ("dotted quarter", 1.5), ("dotted eighth", 0.75), ("dotted 16th", 0.375),
        ("half triplet", 4.0 / 3), ("quarter triplet", 2.0 / 3), ("eighth triplet", 1.0 / 3),
    ];

    /// <summary>Largest melodic step kept apart in the interval histogram; wider leaps fall in the end bins.</summary>
    public const int MaxInterval = 12;

    private static readonly int[] MajorScale = [0, 2, 4, 5, 7, 9, 11];
    private static readonly int[] MinorScale = [0, 2, 3, 5, 7, 8, 10];

    private static List<Note> Pitched(Piece piece) => piece.Notes.Where(n => n.Channel != DrumChannel && n.Duration > 0).ToList();

    /// <summary>Highest minus lowest pitch in semitones (0 when there are no notes, as MusPy).</summary>
    public static int PitchRange(Piece piece)
    {
        var notes = Pitched(piece);
        return notes.Count == 0 ? 0 : notes.Max(n => n.Pitch) - notes.Min(n => n.Pitch);
    }

    public static int PitchesUsed(Piece piece) => Pitched(piece).Select(n => n.Pitch).Distinct().Count();

    public static int PitchClassesUsed(Piece piece) => Pitched(piece).Select(n => ((n.Pitch % 12) + 12) % 12).Distinct().Count();

    /// <summary>Mean number of distinct pitches sounding, over the time steps where at least one sounds.</summary>
    public static double Polyphony(Piece piece)
    {
        var (sounding, pitchSteps, _, _) = Occupancy(piece, threshold: 2);
        return sounding == 0 ? double.NaN : pitchSteps / (double)sounding;
    }

    /// <summary>Share of all time steps (from 0 to the last note's end) with at least <paramref name="threshold"/> pitches sounding.</summary>
    public static double PolyphonyRate(Piece piece, int threshold = 2)
    {
        var (_, _, atThreshold, total) = Occupancy(piece, threshold);
        return total == 0 ? double.NaN : atThreshold / (double)total;
    }

    /// <summary>Shannon entropy (bits) of the pitch-class histogram of note counts: log2(12) at most.</summary>
    public static double PitchClassEntropy(Piece piece) => Entropy(PitchClassHistogram(piece));

    /// <summary>Shannon entropy (bits) of the 128-bin pitch histogram.</summary>
    public static double PitchEntropy(Piece piece)
    {
        var notes = Pitched(piece);
        if (notes.Count == 0) return double.NaN;
        return Entropy(notes.GroupBy(n => n.Pitch).Select(g => g.Count() / (double)notes.Count).ToArray());
    }

    /// <summary>The largest share of notes that lie in one major or minor scale, over all 24 scales.</summary>
    public static double ScaleConsistency(Piece piece) => ScaleConsistency(Pitched(piece).Select(n => n.Pitch).ToList());

    /// <summary>The largest share of <paramref name="pitches"/> (MIDI numbers, each counted as often as it appears) in one of the 24 major and minor scales.</summary>
    public static double ScaleConsistency(IReadOnlyCollection<int> pitches)
    {
        if (pitches.Count == 0) return double.NaN;
        var counts = new int[12];
        foreach (int pitch in pitches) counts[((pitch % 12) + 12) % 12]++;
        double best = 0;
        for (int root = 0; root < 12; root++)
            foreach (int[] scale in new[] { MajorScale, MinorScale })
                best = Math.Max(best, scale.Sum(degree => counts[(degree + root) % 12]) / (double)pitches.Count);
        return best;
    }

    /// <summary>Share of beats (quarter notes from 0 to the end) during which no note sounds.</summary>
    public static double EmptyBeatRate(Piece piece)
    {
        long tpq = piece.TicksPerQuarter;
        long end = piece.EndTick;
        if (end <= 0) return double.NaN;
        long beats = (end + tpq - 1) / tpq;
        // Merge the beat spans the notes touch; memory grows with the notes, never with the length of the piece.
        long occupied = 0, runStart = -1, runEnd = -1;
        foreach (var (first, last) in piece.Notes.Where(n => n.Duration > 0).Select(n => (n.Start / tpq, (n.End - 1) / tpq)).OrderBy(s => s.Item1))
        {
            if (first > runEnd)
            {
                if (runEnd >= 0) occupied += runEnd - runStart + 1;
                (runStart, runEnd) = (first, last);
            }
            else runEnd = Math.Max(runEnd, last);
        }
        if (runEnd >= 0) occupied += runEnd - runStart + 1;
        return (beats - occupied) / (double)beats;
    }

    /// <summary>
    /// 1 minus the mean Hamming distance between the onset patterns of consecutive bars (Wu &amp; Yang 2020, in MusPy),
    /// each pattern a binary vector over the bar's <paramref name="stepsPerQuarter"/>-per-quarter grid (16ths by default)
    /// and each distance divided by the pattern length. 1 means every bar has the same rhythm.
    /// </summary>
    public static double GrooveConsistency(Piece piece, int stepsPerQuarter = 4)
    {
        var bars = BarGrid.Compute(piece);
        if (piece.Notes.Count == 0 || bars.Count < 2) return double.NaN;
        var patterns = bars.Select(b => new bool[Math.Max(1, (int)Math.Round(b.LengthTicks * (double)stepsPerQuarter / piece.TicksPerQuarter))]).ToList();
        foreach (Note note in piece.Notes)
        {
            Bar bar = bars[BarGrid.BarIndexAt(bars, note.Start)];
            int step = (int)((note.Start - bar.StartTick) * stepsPerQuarter / piece.TicksPerQuarter);
            bool[] pattern = patterns[bar.Index];
            pattern[Math.Clamp(step, 0, pattern.Length - 1)] = true;
        }
        double distance = 0;
        for (int i = 1; i < patterns.Count; i++)
        {
            bool[] a = patterns[i - 1], b = patterns[i];
            int length = Math.Max(a.Length, b.Length), differing = 0;
            for (int s = 0; s < length; s++)
                if ((s < a.Length && a[s]) != (s < b.Length && b[s])) differing++;
            distance += differing / (double)length;
        }
        return 1 - distance / (patterns.Count - 1);
    }

    /// <summary>Normalized counts of notes per pitch class (index 0 = C).</summary>
    public static double[] PitchClassHistogram(Piece piece)
    {
        var histogram = new double[12];
        var notes = Pitched(piece);
        foreach (Note note in notes) histogram[((note.Pitch % 12) + 12) % 12]++;
        return Normalize(histogram);
    }

    /// <summary>Normalized counts of note lengths in the 12 classes of <see cref="NoteLengthClasses"/> (nearest on a log scale).</summary>
    public static double[] NoteLengthHistogram(Piece piece)
    {
        var histogram = new double[NoteLengthClasses.Count];
        foreach (Note note in Pitched(piece))
        {
            double quarters = note.Duration / (double)piece.TicksPerQuarter;
            int best = 0;
            for (int c = 1; c < NoteLengthClasses.Count; c++)
                if (Math.Abs(Math.Log(quarters / NoteLengthClasses[c].Quarters)) < Math.Abs(Math.Log(quarters / NoteLengthClasses[best].Quarters))) best = c;
            histogram[best]++;
        }
        return Normalize(histogram);
    }

    /// <summary>
    /// Normalized counts of the signed steps of the melody (<see cref="Melody.Skyline"/>): bin i is the step
    /// i - <see cref="MaxInterval"/>, so 25 bins from an octave down to an octave up; wider leaps count in the end bins.
    /// </summary>
    public static double[] IntervalHistogram(Piece piece)
    {
        var histogram = new double[2 * MaxInterval + 1];
        foreach (int interval in Melody.Intervals(Melody.Skyline(piece)))
            histogram[Math.Clamp(interval, -MaxInterval, MaxInterval) + MaxInterval]++;
        return Normalize(histogram);
    }

    /// <summary>Mean absolute melodic step in semitones (Yang &amp; Lerch's PI).</summary>
    public static double AveragePitchInterval(Piece piece)
    {
        int[] intervals = Melody.Intervals(Melody.Skyline(piece));
        return intervals.Length == 0 ? double.NaN : intervals.Average(i => Math.Abs((double)i));
    }

    /// <summary>Mean time between consecutive distinct onsets, in quarter notes (Yang &amp; Lerch's IOI).</summary>
    public static double AverageInterOnsetInterval(Piece piece)
    {
        var onsets = Pitched(piece).Select(n => n.Start).Distinct().Order().ToList();
        if (onsets.Count < 2) return double.NaN;
        return (onsets[^1] - onsets[0]) / (double)(onsets.Count - 1) / piece.TicksPerQuarter;
    }

    /// <summary>Shannon entropy in bits of a probability vector (zeros contribute nothing).</summary>
    public static double Entropy(IReadOnlyList<double> probabilities)
    {
        if (probabilities.Sum() <= 0) return double.NaN;
        return -probabilities.Where(p => p > 0).Sum(p => p * Math.Log2(p));
    }

    private static double[] Normalize(double[] counts)
    {
        double sum = counts.Sum();
        if (sum > 0) for (int i = 0; i < counts.Length; i++) counts[i] /= sum;
        return counts;
    }

    /// <summary>
    /// Sweeps note starts and ends to count, in ticks: steps with at least one pitch, pitch-steps (a pitch sounding for a
    /// step; a pitch doubled by two notes counts once, as in a piano roll), steps with at least
    /// <paramref name="threshold"/> pitches, and all steps up to the end.
    /// </summary>
    private static (long Sounding, long PitchSteps, long AtThreshold, long Total) Occupancy(Piece piece, int threshold)
    {
        var notes = Pitched(piece);
        if (notes.Count == 0) return (0, 0, 0, 0);
        var events = notes.SelectMany(n => new[] { (Tick: n.Start, Pitch: n.Pitch, Delta: 1), (Tick: n.End, Pitch: n.Pitch, Delta: -1) })
            .OrderBy(e => e.Tick).ToList();
        var counts = new int[128];
        int distinct = 0;
        long sounding = 0, pitchSteps = 0, atThreshold = 0, previous = 0;
        foreach (var group in events.GroupBy(e => e.Tick))
        {
            long span = group.Key - previous;
            if (distinct > 0) { sounding += span; pitchSteps += span * distinct; }
            if (distinct >= threshold) atThreshold += span;
            foreach (var e in group)
            {
                int pitch = Math.Clamp(e.Pitch, 0, 127);
                if (e.Delta > 0 && counts[pitch]++ == 0) distinct++;
                if (e.Delta < 0 && --counts[pitch] == 0) distinct--;
            }
            previous = group.Key;
        }
        return (sounding, pitchSteps, atThreshold, piece.Notes.Where(n => n.Channel != DrumChannel).Max(n => n.End));
    }
}
