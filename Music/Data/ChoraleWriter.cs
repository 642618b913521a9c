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
            int alto = Harmony.Nearest(triad, previous[1], Ranges[1].Low, Math.Max(Ranges[1].Low, Math.Min(Ranges[1].High, soprano - 1)));
            int tenor = Harmony.Nearest(triad, previous[2], Math.Min(Math.Max(Ranges[2].Low, bass + 1), Ranges[2].High),
                Math.Max(Ranges[2].Low, Math.Min(Ranges[2].High, alto - 1)));
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
}
