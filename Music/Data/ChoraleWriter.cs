using MusicCluster.Music.Pieces;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Data;

/// <summary>Four-part chorales: a chord per beat, each voice moving to the nearest chord tone in its range, bass on the root.</summary>
internal static class ChoraleWriter
{
    private static readonly (int Low, int High)[] Ranges = [(60, 79), (55, 74), (48, 67), (40, 57)];

    public static Piece Write(SplitMix64 random, Harmony harmony)
    {
        const int quarter = SyntheticCorpus.TicksPerQuarter;
        int bars = random.Next(6, 10);
        int[] degrees = harmony.Progression(random, (bars - 1) * 4 + 2);
        int velocity = random.Next(70, 91);
        int[] previous = [72, 67, 60, 48];
        var notes = new List<Note>();
        for (int chord = 0; chord < degrees.Length; chord++)
        {
            // The last bar holds V and I as half notes: the cadence.
            bool cadence = chord >= degrees.Length - 2;
            long start = cadence ? (bars - 1) * 4L * quarter + (chord - (degrees.Length - 2)) * 2L * quarter : chord * (long)quarter;
            long duration = cadence ? 2L * quarter : quarter;
            int[] triad = harmony.Triad(degrees[chord]);
            int bass = Harmony.Nearest([triad[0]], previous[3], Ranges[3].Low, Ranges[3].High);
            int soprano = Harmony.Nearest(triad, previous[0] + random.Next(-2, 3), Ranges[0].Low, Ranges[0].High);
            var (alto, tenor) = InnerVoices(triad, soprano, bass, previous[1], previous[2]);
            previous = [soprano, alto, tenor, bass];
            for (int voice = 0; voice < 4; voice++)
                notes.Add(new Note(previous[voice], start, duration, velocity, voice, voice));
        }
        return new Piece
        {
            TicksPerQuarter = SyntheticCorpus.TicksPerQuarter,
            Notes = notes,
            Tempos = [TempoChange.FromBpm(0, random.Next(72, 93))],
            TimeSignatures = [new TimeSignature(0, 4, 4)],
            Tracks = Enumerable.Range(0, 4).Select(v => new TrackInfo(v, ChoraleGrid.VoiceNames[v], 52, v)).ToList(),
        };
    }

    /// <summary>
    /// Alto and tenor: chord tones with bass &lt; tenor &lt;= alto &lt;= soprano, in their ranges when possible, moving
    /// as little as possible. Without the ranges a pair always exists (alto = tenor = soprano at worst).
    /// </summary>
    private static (int Alto, int Tenor) InnerVoices(int[] triad, int soprano, int bass, int previousAlto, int previousTenor)
    {
        (int, int)? best = null;
        int bestCost = int.MaxValue;
        foreach (bool inRange in new[] { true, false })
        {
            for (int alto = inRange ? Ranges[1].Low : bass + 1; alto <= (inRange ? Math.Min(Ranges[1].High, soprano) : soprano); alto++)
            {
                if (!triad.Contains(alto % 12)) continue;
                for (int tenor = inRange ? Math.Max(Ranges[2].Low, bass + 1) : bass + 1; tenor <= (inRange ? Math.Min(Ranges[2].High, alto) : alto); tenor++)
                {
                    if (!triad.Contains(tenor % 12)) continue;
                    int cost = Math.Abs(alto - previousAlto) + Math.Abs(tenor - previousTenor);
                    if (cost < bestCost) { best = (alto, tenor); bestCost = cost; }
                }
            }
            if (best is not null) return best.Value;
        }
        return (soprano, soprano);
    }
}
