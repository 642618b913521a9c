using MusicCluster.Music.Pieces;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Tests.Notation;

/// <summary>Small hand-made pieces whose notation, audio and metrics are known in advance.</summary>
public static class TestPieces
{
    public const int Tpq = 480;

    /// <summary>A note by quarters: pitch, start and length in quarter notes.</summary>
    public static Note Q(int pitch, double startQuarters, double lengthQuarters, int track = 0, int velocity = 80, int channel = 0) =>
        new(pitch, (long)Math.Round(startQuarters * Tpq), (long)Math.Round(lengthQuarters * Tpq), velocity, track, channel);

    public static Piece Make(IEnumerable<Note> notes, int numerator = 4, int denominator = 4, int sharps = 0, bool minor = false,
        double bpm = 120, string title = "Test", IEnumerable<TrackInfo>? tracks = null) => PieceBuilder.Normalize(new Piece
        {
            TicksPerQuarter = Tpq,
            Notes = notes.ToList(),
            Tempos = [TempoChange.FromBpm(0, bpm)],
            TimeSignatures = [new TimeSignature(0, numerator, denominator)],
            KeySignatures = [new KeySignature(0, sharps, minor)],
            Tracks = tracks?.ToList() ?? [new TrackInfo(0, "Melody")],
            Metadata = new PieceMetadata { Title = title },
        });

    /// <summary>C major scale C4..C5 in quarters, 4/4.</summary>
    public static Piece CMajorScale() =>
        Make(new[] { 60, 62, 64, 65, 67, 69, 71, 72 }.Select((p, i) => Q(p, i, 1)), title: "C major scale");

    /// <summary>
    /// A G major melody in 3/4 with known jianpu: D5 quarter (5), B4 eighth (3), C5 eighth (4), D5 half (5 -),
    /// a quarter rest (0), F#4 dotted quarter (7 with a lower dot? no: F#4 is below G4, so 7 with a dot below),
    /// E4 eighth (6 below), G4 quarter (1), D4 eighth + E4 eighth (5 and 6 below), G5 dotted half (1 with a dot above).
    /// </summary>
    public static Piece GMajorMelody() => Make(new[]
    {
        Q(74, 0, 1), Q(71, 1, 0.5), Q(72, 1.5, 0.5),
        Q(74, 3, 2),
        Q(66, 6, 1.5), Q(64, 7.5, 0.5), Q(67, 8, 1),
        Q(62, 9, 0.5), Q(64, 9.5, 0.5), Q(79, 12, 3),
    }, numerator: 3, denominator: 4, sharps: 1, title: "G major melody");

    /// <summary>
    /// Two tracks in F major, 4/4 then 3/4: chords, a note across a bar line, an odd length (5 sixteenths), rests,
    /// two overlapping voices in the upper track and a tempo change.
    /// </summary>
    public static Piece TwoTracksWithVoices()
    {
        var notes = new List<Note>
        {
            // Upper track: a melody with a sustained lower voice under it.
            Q(72, 0, 1), Q(74, 1, 1.25), Q(76, 2.25, 0.75), Q(77, 3, 2), // F5 crosses into bar 2
            Q(65, 0, 4), // long lower voice, overlaps the melody: a second voice
            Q(69, 5, 0.5), Q(70, 5.5, 0.5), Q(72, 6, 1),
            Q(60, 8, 1), Q(64, 8, 1), Q(67, 8, 1), // chord in bar 3 (3/4 from here)
            Q(72, 9.5, 1.5),
            // Lower track: bass with rests between.
            Q(41, 0, 2, track: 1), Q(36, 2, 2, track: 1), Q(41, 4, 1, track: 1), Q(45, 6, 2, track: 1),
            Q(41, 8, 3, track: 1), Q(48, 11, 0.25, track: 1),
        };
        Piece piece = Make(notes, sharps: -1, bpm: 90, title: "Two tracks",
            tracks: [new TrackInfo(0, "Right", 0, 0), new TrackInfo(1, "Left", 32, 1)]);
        return piece with
        {
            TimeSignatures = [new TimeSignature(0, 4, 4), new TimeSignature(8 * Tpq, 3, 4)],
            Tempos = [TempoChange.FromBpm(0, 90), TempoChange.FromBpm(8 * Tpq, 120)],
        };
    }

    /// <summary>Syncopation, triplet-free odd lengths and 32nds in 6/8 with D minor: stresses bar splitting and note values.</summary>
    public static Piece Syncopated() => Make(new[]
    {
        Q(62, 0, 0.25), Q(64, 0.25, 0.125), Q(65, 0.375, 0.125), Q(67, 0.5, 1.75), Q(69, 2.25, 1.5), Q(61, 3.75, 0.25),
        Q(62, 4, 2.75), Q(50, 0, 6.75, track: 1),
    }, numerator: 6, denominator: 8, sharps: -1, minor: true, title: "Syncopated",
        tracks: [new TrackInfo(0, "Flute", 73), new TrackInfo(1, "Cello", 42, 1)]);

    /// <summary>
    /// A random piece from a seed: 1-3 tracks, ticks off the notation grid, overlapping notes and chords, a random time
    /// signature and key, and a tempo change.
    /// </summary>
    public static Piece Random(int seed)
    {
        var random = new System.Random(seed);
        int tracks = random.Next(1, 4);
        var notes = new List<Note>();
        for (int track = 0; track < tracks; track++)
        {
            long tick = random.Next(0, 4) * Tpq / 2;
            for (int i = 0; i < 30; i++)
            {
                long length = random.Next(1, 4 * Tpq) + (random.Next(4) == 0 ? random.Next(1, 13) : 0);
                int chord = random.Next(3) == 0 ? random.Next(2, 4) : 1;
                for (int c = 0; c < chord; c++)
                    notes.Add(new Note(40 + track * 12 + random.Next(36) + c, tick, length, random.Next(30, 127), track));
                tick += random.Next(2) == 0 ? length : random.Next(1, 2 * Tpq);
            }
        }
        // Notes of one pitch in one track that start together are one note; keep the piece free of such exact duplicates.
        notes = notes.GroupBy(n => (n.Track, n.Pitch, n.Start)).Select(g => g.First()).ToList();
        (int numerator, int denominator) = new[] { (4, 4), (3, 4), (6, 8), (2, 2), (5, 4) }[random.Next(5)];
        Piece piece = Make(notes, numerator, denominator, sharps: random.Next(-7, 8), minor: random.Next(2) == 0, title: $"Random {seed}");
        return piece with { Tempos = [TempoChange.FromBpm(0, 60 + random.Next(100)), TempoChange.FromBpm(8 * Tpq, 60 + random.Next(100))] };
    }

    /// <summary>A 3/4 signature that starts in the middle of the first 4/4 bar (after two quarters), as MIDI allows.</summary>
    public static Piece MidBarTimeChange() => Make(Enumerable.Range(0, 11).Select(i => Q(60 + i, i, 1))) with
    {
        TimeSignatures = [new TimeSignature(0, 4, 4), new TimeSignature(2 * Tpq, 3, 4)],
    };

    /// <summary>A one-track piano piece over four octaves: a melody above middle C, broken chords in the bass.</summary>
    public static Piece Piano() => Make(
        new[] { 72, 76, 79, 84, 83, 79, 77, 74 }.Select((p, i) => Q(p, i, 1))
            .Concat(Enumerable.Range(0, 16).Select(i => Q(new[] { 36, 43, 48, 43 }[i % 4], i * 0.5, 0.5)))
            .Append(Q(62, 6, 2)).Append(Q(55, 6, 2)),
        title: "Piano", tracks: [new TrackInfo(0, "Piano", 0)]);

    /// <summary>
    /// Two bars of a four-part chorale in G major as the default model writes one (<see cref="ChoraleGrid.ToPiece"/>:
    /// tracks 0-3 named Soprano, Alto, Tenor, Bass, one note at a time each), in the voices' JSB ranges
    /// (S 60-81, A 52-74, T 46-69, B 36-66): I IV V I | vi ii V7 I, the bass moving in eighths in bar 1 and the
    /// soprano resting on the last beat.
    /// </summary>
    public static Piece FourPartChorale()
    {
        // Per quarter: soprano, alto, tenor, bass; a pair of values in one voice is two eighths.
        int[][][] quarters =
        [
            [[71], [67], [62], [43]], [[72], [67], [64], [48, 47]], [[74], [66], [57], [45]], [[71], [67], [62], [43, 55]],
            [[71], [67], [64], [52]], [[72], [69], [64], [45]], [[69], [66], [60], [50]], [[ChoraleGrid.Silent], [62], [59], [43]],
        ];
        var steps = new List<int[]>();
        foreach (int[][] quarter in quarters)
            for (int step = 0; step < 4; step++)
                steps.Add(quarter.Select(voice => voice[step * voice.Length / 4]).ToArray());
        return new ChoraleGrid(steps).ToPiece() with
        {
            KeySignatures = [new KeySignature(0, 1, false)],
            Tempos = [TempoChange.FromBpm(0, 80)],
            Metadata = new PieceMetadata { Title = "Chorale phrase" },
        };
    }
}
