using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Data;

/// <summary>Melodies over one chord per bar: chord tones on the downbeat, mostly stepwise motion in the scale between.</summary>
internal static class MelodyWriter
{
    /// <summary>Bar rhythms in eighth notes, for 4/4 (8 eighths) and 3/4 (6 eighths).</summary>
    private static readonly int[][] CommonTime = [[2, 2, 2, 2], [2, 1, 1, 2, 2], [3, 1, 2, 2], [4, 2, 2], [2, 2, 4], [1, 1, 1, 1, 2, 2], [3, 1, 4], [2, 1, 1, 1, 1, 2]];
    private static readonly int[][] ThreeFour = [[6], [4, 2], [2, 2, 2], [2, 1, 1, 2], [3, 1, 2], [2, 4]];

    public static List<Note> Write(SplitMix64 random, Harmony harmony, int[] degrees, int beatsPerBar, int low, int high, int track, int channel)
    {
        const int eighth = SyntheticCorpus.TicksPerQuarter / 2;
        int velocity = random.Next(80, 96);
        var notes = new List<Note>();
        int pitch = Harmony.Nearest(harmony.Triad(0), (low + high) / 2, low, high);
        for (int bar = 0; bar < degrees.Length; bar++)
        {
            bool last = bar == degrees.Length - 1;
            int[] rhythm = last ? [beatsPerBar * 2] : random.Pick(beatsPerBar == 3 ? ThreeFour : CommonTime);
            long start = bar * (long)beatsPerBar * SyntheticCorpus.TicksPerQuarter;
            for (int i = 0; i < rhythm.Length; i++)
            {
                if (last) pitch = Harmony.Nearest([harmony.Tonic], pitch, low, high);
                else if (i == 0 || random.Chance(0.2)) pitch = Harmony.Nearest(harmony.Triad(degrees[bar]), pitch + random.Next(-3, 4), low, high);
                else pitch = StepInScale(harmony, pitch, random.Pick([-2, -1, -1, 1, 1, 2]), low, high);
                notes.Add(new Note(pitch, start, rhythm[i] * (long)eighth, velocity + (i == 0 ? 6 : 0), track, channel));
                start += rhythm[i] * (long)eighth;
            }
        }
        return notes;
    }

    /// <summary>The pitch <paramref name="steps"/> scale steps away, turning back at the edges of the range.</summary>
    private static int StepInScale(Harmony harmony, int pitch, int steps, int low, int high)
    {
        int direction = Math.Sign(steps);
        if (pitch + direction * 4 > high || pitch + direction * 4 < low) direction = -direction;
        for (int moved = 0; moved < Math.Abs(steps);)
        {
            pitch += direction;
            if (harmony.Scale.Contains(((pitch % 12) + 12) % 12)) moved++;
        }
        return Math.Clamp(pitch, low, high);
    }
}
