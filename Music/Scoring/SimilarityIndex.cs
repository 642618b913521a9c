using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Scoring;

/// <summary>
/// Finds, for a piece, the most similar pieces of a reference collection (e.g. the training data) from their melodies
/// (<see cref="Melody.Skyline"/>): n-grams of intervals (transposition-invariant) and of inter-onset-interval ratios
/// (tempo-invariant), compared by cosine similarity; the longest shared passage by longest common substring of the
/// interval sequences; and a copy flag when runs of at least <see cref="SimilarityOptions.CopyRunLength"/> intervals
/// shared with one reference, chained in the same order in both, cover more than
/// <see cref="SimilarityOptions.CopyThreshold"/> of that reference's melody notes.
/// </summary>
public sealed class SimilarityIndex
{
    private readonly SimilarityOptions _options;
    private readonly List<Entry> _references;

    private sealed record Entry(string Id, Profile Profile);

    private sealed record Profile(IReadOnlyList<MelodyNote> Melody, int[] Intervals, Dictionary<long, int> IntervalGrams, Dictionary<long, int> RhythmGrams, double IntervalNorm,
        double RhythmNorm);

    public SimilarityIndex(IEnumerable<(string Id, Piece Piece)> references, SimilarityOptions? options = null)
    {
        _options = options ?? new SimilarityOptions();
        if (_options.IntervalN is < 1 or > 8 || _options.RhythmN is < 1 or > 8 || _options.CopyRunLength is < 1 or > 8)
            throw new ArgumentException("N-gram lengths must be 1-8 (they are packed into 64-bit keys)", nameof(options));
        _references = references.Select(r => new Entry(r.Id, Build(r.Piece))).ToList();
    }

    public int Count => _references.Count;

    /// <summary>The nearest references and those the piece copies; <paramref name="cancellation"/> is checked before each reference.</summary>
    public SimilarityReport Query(Piece piece, CancellationToken cancellation = default)
    {
        Profile query = Build(piece);
        var copyRuns = NGrams(query.Intervals, _options.CopyRunLength).Keys.ToHashSet();
        var scored = _references.Select(reference =>
        {
            cancellation.ThrowIfCancellationRequested();
            double intervals = Cosine(query.IntervalGrams, query.IntervalNorm, reference.Profile.IntervalGrams, reference.Profile.IntervalNorm);
            double rhythm = Cosine(query.RhythmGrams, query.RhythmNorm, reference.Profile.RhythmGrams, reference.Profile.RhythmNorm);
            double score = _options.IntervalWeight * intervals + (1 - _options.IntervalWeight) * rhythm;
            // The cheap upper bound screens every reference; the exact share is computed where it could pass the threshold.
            double bound = CopiedShareBound(copyRuns, reference.Profile);
            double share = bound > _options.CopyThreshold ? ChainedShare(query, reference.Profile) : double.NaN;
            return (Reference: reference, Score: score, Intervals: intervals, Rhythm: rhythm, Bound: bound, Share: share);
        }).ToList();

        SimilarityMatch Match((Entry Reference, double Score, double Intervals, double Rhythm, double Bound, double Share) s)
        {
            cancellation.ThrowIfCancellationRequested();
            double share = double.IsNaN(s.Share) ? (s.Bound > 0 ? ChainedShare(query, s.Reference.Profile) : 0) : s.Share;
            return new(s.Reference.Id, s.Score, s.Intervals, s.Rhythm, share, LongestSharedPassage(query, s.Reference.Profile), share > _options.CopyThreshold);
        }

        var nearest = scored.OrderByDescending(s => s.Score).ThenBy(s => s.Reference.Id, StringComparer.Ordinal).Take(_options.Nearest).Select(Match).ToList();
        var copied = scored.Where(s => s.Share > _options.CopyThreshold).OrderByDescending(s => s.Share).Select(Match).ToList();
        return new SimilarityReport(nearest, copied);
    }

    /// <summary>The longest common run of intervals of two melodies, as a passage of notes; null when they share no interval.</summary>
    public static SharedPassage? LongestSharedPassage(Piece piece, Piece reference)
    {
        var a = Melody.Skyline(piece);
        var b = Melody.Skyline(reference);
        return LongestSharedPassage(a, Melody.Intervals(a), b, Melody.Intervals(b));
    }

    private static SharedPassage? LongestSharedPassage(Profile query, Profile reference) =>
        LongestSharedPassage(query.Melody, query.Intervals, reference.Melody, reference.Intervals);

    /// <summary>Longest common substring by dynamic programming over one row: O(n·m) time, O(m) memory.</summary>
    private static SharedPassage? LongestSharedPassage(IReadOnlyList<MelodyNote> melodyA, int[] a, IReadOnlyList<MelodyNote> melodyB, int[] b)
    {
        var row = new int[b.Length + 1];
        int best = 0, bestEndA = 0, bestEndB = 0;
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = 0;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = a[i - 1] == b[j - 1] ? diagonal + 1 : 0;
                if (row[j] > best) { best = row[j]; bestEndA = i; bestEndB = j; }
                diagonal = above;
            }
        }
        if (best == 0) return null;
        int startA = bestEndA - best, startB = bestEndB - best;
        return new SharedPassage(startA, startB, best + 1, melodyA[startA].Start, melodyB[startB].Start);
    }

    /// <summary>
    /// An upper bound of the copied share: the reference's notes inside any run of
    /// <see cref="SimilarityOptions.CopyRunLength"/> intervals the piece also has, wherever the piece has it.
    /// </summary>
    private double CopiedShareBound(HashSet<long> queryRuns, Profile reference)
    {
        int n = _options.CopyRunLength;
        if (reference.Melody.Count < n + 1 || queryRuns.Count == 0) return 0;
        var covered = new bool[reference.Melody.Count];
        for (int j = 0; j + n <= reference.Intervals.Length; j++)
            if (queryRuns.Contains(Pack(reference.Intervals, j, n)))
                for (int k = j; k <= j + n; k++) covered[k] = true;
        return covered.Count(c => c) / (double)covered.Length;
    }

    /// <summary>
    /// The share of the reference's melody notes the piece copies: shared runs chained in the same order in both
    /// melodies, each next run close after the previous one in both (a few changed, added or dropped notes between
    /// them). Scattered stock figures (scale runs found all over a long piece) do not chain, so they do not count.
    /// </summary>
    private double ChainedShare(Profile query, Profile reference) =>
        reference.Melody.Count < _options.CopyRunLength + 1 ? 0 : ChainedCoverage(query, reference) / (double)reference.Melody.Count;

    /// <summary>A stretch of notes both melodies share: start note in each and length in notes.</summary>
    private readonly record struct Segment(int ReferenceStart, int PieceStart, int Notes)
    {
        public int ReferenceEnd => ReferenceStart + Notes - 1;
        public int PieceEnd => PieceStart + Notes - 1;
    }

    private int ChainedCoverage(Profile query, Profile reference)
    {
        int n = _options.CopyRunLength;
        // Where each run of the piece occurs, then every maximal shared stretch, found along its diagonal.
        var positions = new Dictionary<long, List<int>>();
        for (int i = 0; i + n <= query.Intervals.Length; i++)
        {
            long key = Pack(query.Intervals, i, n);
            if (!positions.TryGetValue(key, out var list)) positions[key] = list = [];
            list.Add(i);
        }
        var open = new Dictionary<int, (int ReferenceStart, int LastJ)>(); // by diagonal: piece position - reference position
        var segments = new List<Segment>();
        for (int j = 0; j + n <= reference.Intervals.Length; j++)
        {
            if (!positions.TryGetValue(Pack(reference.Intervals, j, n), out var matches)) continue;
            foreach (int i in matches)
            {
                int diagonal = i - j;
                if (open.TryGetValue(diagonal, out var run) && run.LastJ == j - 1) open[diagonal] = (run.ReferenceStart, j);
                else
                {
                    if (open.TryGetValue(diagonal, out run)) segments.Add(new Segment(run.ReferenceStart, run.ReferenceStart + diagonal, run.LastJ + n - run.ReferenceStart + 1));
                    open[diagonal] = (j, j);
                }
            }
        }
        foreach (var (diagonal, run) in open) segments.Add(new Segment(run.ReferenceStart, run.ReferenceStart + diagonal, run.LastJ + n - run.ReferenceStart + 1));

        // Best chain: in order in both melodies, each gap short and nearly equal in both.
        segments.Sort((a, b) => a.ReferenceStart.CompareTo(b.ReferenceStart));
        var best = new int[segments.Count];
        int overall = 0;
        for (int s = 0; s < segments.Count; s++)
        {
            best[s] = segments[s].Notes;
            for (int t = 0; t < s; t++)
            {
                int referenceGap = segments[s].ReferenceStart - segments[t].ReferenceEnd - 1;
                int pieceGap = segments[s].PieceStart - segments[t].PieceEnd - 1;
                if (referenceGap < 0 || pieceGap < 0 || referenceGap > MaxGap || pieceGap > MaxGap || Math.Abs(referenceGap - pieceGap) > MaxGapDrift) continue;
                best[s] = Math.Max(best[s], best[t] + segments[s].Notes);
            }
            overall = Math.Max(overall, best[s]);
        }
        return overall;
    }

    /// <summary>Most notes between two chained stretches: a few changed notes in a row.</summary>
    private const int MaxGap = 3;

    /// <summary>How many more notes one gap in a chain may have than the other (a note added or dropped in the copy).</summary>
    private const int MaxGapDrift = 1;

    private Profile Build(Piece piece)
    {
        var melody = Melody.Skyline(piece);
        int[] intervals = Melody.Intervals(melody);
        var intervalGrams = NGrams(intervals, _options.IntervalN);
        var rhythmGrams = NGrams(RhythmTokens(melody), _options.RhythmN);
        return new Profile(melody, intervals, intervalGrams, rhythmGrams, Norm(intervalGrams), Norm(rhythmGrams));
    }

    /// <summary>
    /// Ratios of consecutive inter-onset intervals, as rounded half-octaves of log2 (0 = same, +2 = twice as long,
    /// -1 = about 0.7 times): independent of tempo and of ticks per quarter.
    /// </summary>
    private static int[] RhythmTokens(IReadOnlyList<MelodyNote> melody)
    {
        var iois = new List<long>();
        for (int i = 1; i < melody.Count; i++) iois.Add(melody[i].Start - melody[i - 1].Start);
        var tokens = new int[Math.Max(0, iois.Count - 1)];
        for (int i = 1; i < iois.Count; i++)
            tokens[i - 1] = Math.Clamp((int)Math.Round(2 * Math.Log2(iois[i] / (double)iois[i - 1])), -16, 16);
        return tokens;
    }

    private static Dictionary<long, int> NGrams(int[] sequence, int n)
    {
        var grams = new Dictionary<long, int>();
        for (int i = 0; i + n <= sequence.Length; i++)
        {
            long key = Pack(sequence, i, n);
            grams[key] = grams.GetValueOrDefault(key) + 1;
        }
        return grams;
    }

    /// <summary>n values, each clamped to [-64, 63], packed into 7-bit fields of one key.</summary>
    private static long Pack(int[] sequence, int start, int n)
    {
        long key = 0;
        for (int k = 0; k < n; k++) key = (key << 7) | (long)(Math.Clamp(sequence[start + k], -64, 63) + 64);
        return key;
    }

    private static double Norm(Dictionary<long, int> grams) => Math.Sqrt(grams.Values.Sum(v => (double)v * v));

    private static double Cosine(Dictionary<long, int> a, double normA, Dictionary<long, int> b, double normB)
    {
        if (normA == 0 || normB == 0) return 0;
        var (small, large) = a.Count <= b.Count ? (a, b) : (b, a);
        double dot = 0;
        foreach (var (key, count) in small)
            if (large.TryGetValue(key, out int other)) dot += (double)count * other;
        return dot / (normA * normB);
    }
}
