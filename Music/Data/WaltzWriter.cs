using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Data;

/// <summary>3/4: a melody over oom-pah-pah (bass root on beat 1, a three-note chord on beats 2 and 3).</summary>
internal static class WaltzWriter
{
    private static readonly int[] MelodyPrograms = [40, 0, 73];

    public static Piece Write(SplitMix64 random, Harmony harmony)
    {
        const int quarter = SyntheticCorpus.TicksPerQuarter;
        int bars = random.Next(12, 21);
        int[] degrees = harmony.Progression(random, bars);
        var notes = MelodyWriter.Write(random, harmony, degrees, 3, 64, 86, track: 0, channel: 0);
        int velocity = random.Next(55, 71);
        for (int bar = 0; bar < bars; bar++)
        {
            int[] triad = harmony.Triad(degrees[bar]);
            long start = bar * 3L * quarter;
            int bass = Harmony.Nearest([triad[0]], 43, 36, 50);
            int[] chord = [Harmony.Nearest([triad[1]], 57, 52, 63), Harmony.Nearest([triad[2]], 60, 55, 67), Harmony.Nearest([triad[0]], 62, 57, 69)];
            bool last = bar == bars - 1;
            notes.Add(new Note(bass, start, last ? 3L * quarter : quarter, velocity + 8, 1, 1));
            foreach (int beat in last ? new[] { 1 } : [1, 2])
                foreach (int pitch in chord.Distinct())
                    notes.Add(new Note(pitch, start + beat * (long)quarter, last ? 2L * quarter : quarter, velocity, 1, 1));
        }
        return new Piece
        {
            TicksPerQuarter = SyntheticCorpus.TicksPerQuarter,
            Notes = notes,
            Tempos = [TempoChange.FromBpm(0, random.Next(150, 185))],
            TimeSignatures = [new TimeSignature(0, 3, 4)],
            Tracks = [new TrackInfo(0, "Melody", random.Pick(MelodyPrograms), 0), new TrackInfo(1, "Piano", 0, 1)],
        };
    }
}
