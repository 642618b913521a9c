namespace MusicCluster.Music.Data;

/// <summary>Just enough tonal harmony for the synthetic corpus: a key's scale, its triads, functional progressions.</summary>
internal sealed class Harmony(int tonic, bool minor)
{
    private static readonly int[] MajorScale = [0, 2, 4, 5, 7, 9, 11];
    // Harmonic minor: the raised seventh gives the dominant its leading tone.
    private static readonly int[] MinorScale = [0, 2, 3, 5, 7, 8, 11];

    // Degrees 0-6 (I..vii); which degrees may follow each one (tonic -> predominant -> dominant -> tonic).
    private static readonly int[][] Next = [[3, 4, 5, 1], [4, 6], [5, 3], [4, 1, 0], [0, 5], [1, 3], [0]];

    public int Tonic => tonic;

    public bool Minor => minor;

    public int[] Scale { get; } = (minor ? MinorScale : MajorScale).Select(step => (tonic + step) % 12).ToArray();

    /// <summary>Pitch classes of the triad on a scale degree (0 = I), root first.</summary>
    public int[] Triad(int degree) => [Scale[degree % 7], Scale[(degree + 2) % 7], Scale[(degree + 4) % 7]];

    /// <summary>A progression of <paramref name="length"/> degrees starting on I and ending with the cadence V-I.</summary>
    public int[] Progression(SplitMix64 random, int length)
    {
        var degrees = new int[Math.Max(length, 2)];
        for (int i = 1; i < degrees.Length - 2; i++) degrees[i] = random.Pick(Next[degrees[i - 1]]);
        degrees[^2] = 4;
        degrees[^1] = 0;
        return degrees;
    }

    /// <summary>The pitch nearest to <paramref name="target"/> in [low, high] whose class is in <paramref name="classes"/>;
    /// when the range holds none (a squeezed inner voice) the range widens by an octave each way, so the pitch stays in the key.</summary>
    public static int Nearest(IReadOnlyCollection<int> classes, int target, int low, int high)
    {
        high = Math.Max(low, high);
        int best = Search(classes, target, low, high);
        return best >= 0 ? best : Search(classes, target, Math.Max(0, low - 12), Math.Min(127, high + 12));
    }

    private static int Search(IReadOnlyCollection<int> classes, int target, int low, int high)
    {
        int best = -1;
        for (int pitch = low; pitch <= high; pitch++)
            if (classes.Contains(pitch % 12) && (best < 0 || Math.Abs(pitch - target) < Math.Abs(best - target))) best = pitch;
        return best;
    }

    public int KeySharps => PieceTransposer.TransposeSharps(0, minor ? (tonic + 3) % 12 : tonic);
}
