namespace MusicCluster.Music.Tokens;

/// <summary>
/// The value tables of the event vocabulary and the rounding of raw values onto them. A value already in a table
/// maps to itself, which is what makes Decode(Encode(x)) == x for pieces on the grid.
/// </summary>
public static class EventQuantization
{
    /// <summary>Velocity levels 7, 15, ..., 127: 16 levels 8 apart.</summary>
    public static IReadOnlyList<int> Velocities { get; } = Enumerable.Range(0, 16).Select(i => 7 + 8 * i).ToArray();

    /// <summary>Tempo buckets in beats per minute: 30 bpm times powers of 2^(1/12) (about 6% apart) up to ~285 bpm.</summary>
    public static IReadOnlyList<int> TempoBpms { get; } = Enumerable.Range(0, 40).Select(i => (int)Math.Round(30 * Math.Pow(2, i / 12.0))).ToArray();

    /// <summary>The microseconds per quarter a decoded tempo bucket gets.</summary>
    public static int TempoMicroseconds(int bucket) => (int)Math.Round(60_000_000.0 / TempoBpms[bucket]);

    public static readonly int[] TimeSignatureDenominators = [2, 4, 8, 16];
    public const int MaxTimeSignatureNumerator = 16;

    /// <summary>Note lengths in grid steps: every step up to two whole notes, every half beat up to four whole notes,
    /// every beat up to eight whole notes; longer notes are cut to the longest. (On the JSB Chorales this holds every
    /// note but one 36-beat hold exactly.)</summary>
    public static int[] DurationSteps(int stepsPerQuarter)
    {
        int q = stepsPerQuarter, half = Math.Max(1, q / 2);
        var steps = new List<int>();
        for (int d = 1; d <= 8 * q; d++) steps.Add(d);
        for (int d = 8 * q + half; d <= 16 * q; d += half) steps.Add(d);
        for (int d = 16 * q + q; d <= 32 * q; d += q) steps.Add(d);
        return steps.ToArray();
    }

    public static int NearestVelocityIndex(int velocity) =>
        Math.Clamp((int)Math.Round((velocity - 7) / 8.0, MidpointRounding.AwayFromZero), 0, Velocities.Count - 1);

    public static int NearestTempoIndex(int microsecondsPerQuarter)
    {
        double target = Math.Log(Math.Max(1, microsecondsPerQuarter));
        int best = 0;
        double bestDistance = double.MaxValue;
        for (int i = 0; i < TempoBpms.Count; i++)
        {
            double distance = Math.Abs(Math.Log(TempoMicroseconds(i)) - target);
            if (distance < bestDistance) { best = i; bestDistance = distance; }
        }
        return best;
    }

    /// <summary>Index of the duration bucket nearest to a length in (fractional) steps; ties go to the shorter.</summary>
    public static int NearestDurationIndex(int[] durationSteps, double steps)
    {
        int best = 0;
        double bestDistance = double.MaxValue;
        for (int i = 0; i < durationSteps.Length; i++)
        {
            double distance = Math.Abs(durationSteps[i] - steps);
            if (distance < bestDistance) { best = i; bestDistance = distance; }
        }
        return best;
    }

    public static bool IsSupportedTimeSignature(int numerator, int denominator) =>
        numerator is >= 1 and <= MaxTimeSignatureNumerator && TimeSignatureDenominators.Contains(denominator);
}
