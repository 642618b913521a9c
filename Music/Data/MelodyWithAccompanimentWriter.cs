using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Data;

/// <summary>4/4: a melody over an Alberti bass (root, fifth, third, fifth in eighths), ending on a held tonic chord.</summary>
internal static class MelodyWithAccompanimentWriter
{
    private static readonly int[] MelodyPrograms = [73, 71, 40, 0];

    public static Piece Write(SplitMix64 random, Harmony harmony)
    {
        const int eighth = SyntheticCorpus.TicksPerQuarter / 2;
        int bars = random.Next(8, 13);
        int[] degrees = harmony.Progression(random, bars);
        var notes = MelodyWriter.Write(random, harmony, degrees, 4, 62, 84, track: 0, channel: 0);
        int velocity = random.Next(50, 66);
        for (int bar = 0; bar < bars; bar++)
        {
            int[] triad = harmony.Triad(degrees[bar]);
            int root = Harmony.Nearest([triad[0]], 48, 43, 55);
            int third = Harmony.Nearest([triad[1]], root + 4, root + 1, root + 5);
            int fifth = Harmony.Nearest([triad[2]], root + 7, root + 5, root + 9);
            long start = bar * 8L * eighth;
            if (bar == bars - 1)
            {
                foreach (int pitch in new[] { root, third, fifth }) notes.Add(new Note(pitch, start, 8L * eighth, velocity, 1, 1));
                continue;
            }
            int[] pattern = [root, fifth, third, fifth, root, fifth, third, fifth];
            for (int i = 0; i < pattern.Length; i++) notes.Add(new Note(pattern[i], start + i * (long)eighth, eighth, velocity, 1, 1));
        }
        return new Piece
        {
            TicksPerQuarter = SyntheticCorpus.TicksPerQuarter,
            Notes = notes,
            Tempos = [TempoChange.FromBpm(0, random.Next(96, 133))],
            TimeSignatures = [new TimeSignature(0, 4, 4)],
            Tracks = [new TrackInfo(0, "Melody", random.Pick(MelodyPrograms), 0), new TrackInfo(1, "Accompaniment", 0, 1)],
        };
    }
}
