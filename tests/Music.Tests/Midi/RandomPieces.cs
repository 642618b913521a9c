using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Tests.Midi;

/// <summary>
/// Deterministic random pieces for property tests: the same seed always gives the same piece, so a failing seed
/// can be replayed.
/// </summary>
internal static class RandomPieces
{
    private static readonly int[] TicksPerQuarterChoices = [1, 24, 96, 384, 480, 960, 32767];
    private static readonly string[] TextPieces = ["", "a", "Bach", " ", "Étude", "Straße", "中文", "🎵", "\n", "tab\t", "x:y", "\"q\"", "\\"];

    /// <summary>
    /// A piece that is already what MIDI reads back, by construction rather than by
    /// <see cref="Music.Midi.MidiCanonicalForm"/>: every track is declared and numbered 0..n-1, and notes of one
    /// track, channel and pitch that overlap end in the order they start.
    /// </summary>
    public static Piece Canonical(int seed) => Generate(new Random(seed), canonical: true);

    /// <summary>
    /// Any piece MIDI can hold: sparse track numbers, tracks that only notes mention, overlapping notes of one pitch
    /// that end in any order, zero-length notes, repeated tempo and signature changes.
    /// </summary>
    public static Piece Any(int seed) => Generate(new Random(seed), canonical: false);

    private static Piece Generate(Random random, bool canonical)
    {
        int trackCount = random.Next(0, 6);
        var trackIndices = canonical
            ? Enumerable.Range(0, trackCount).ToList()
            : Enumerable.Range(0, 9).Where(_ => random.Next(3) == 0).ToList();
        var tracks = trackIndices.Select(i => new TrackInfo(i, RandomText(random), random.Next(128), RandomChannel(random))).ToList();
        var noteTracks = canonical ? trackIndices : Enumerable.Range(0, 9).ToList();
        int tpq = TicksPerQuarterChoices[random.Next(TicksPerQuarterChoices.Length)];

        var notes = new List<Note>();
        var lastOfKey = new Dictionary<(int, int, int), (long Start, long End)>();
        int noteCount = noteTracks.Count == 0 ? 0 : random.Next(0, 200);
        int[] favouritePitches = [random.Next(128), random.Next(128), random.Next(128)];
        for (int i = 0; i < noteCount; i++)
        {
            int track = noteTracks[random.Next(noteTracks.Count)];
            int channel = random.Next(4) == 0 ? RandomChannel(random) : tracks.FirstOrDefault(t => t.Index == track)?.Channel ?? 0;
            // Few pitches, so notes of one pitch overlap often.
            int pitch = random.Next(2) == 0 ? favouritePitches[random.Next(3)] : random.Next(128);
            long start, end;
            if (canonical && lastOfKey.TryGetValue((track, channel, pitch), out var last))
            {
                start = last.Start + (random.Next(3) == 0 ? 0 : random.Next(0, 2000));
                end = Math.Max(last.End, start) + (random.Next(4) == 0 ? 0 : random.Next(0, 2000));
            }
            else
            {
                start = random.Next(0, 20000);
                end = start + (random.Next(8) == 0 ? 0 : random.Next(0, 3000));
            }
            lastOfKey[(track, channel, pitch)] = (start, end);
            notes.Add(new Note(pitch, start, end - start, random.Next(1, 128), track, channel));
        }

        return new Piece
        {
            TicksPerQuarter = tpq,
            Notes = Shuffle(random, notes),
            Tempos = Changes(random, canonical, () => new TempoChange(random.Next(0, 20000), random.Next(1, 0x1000000))),
            TimeSignatures = Changes(random, canonical,
                () => new TimeSignature(random.Next(0, 20000), random.Next(4) == 0 ? random.Next(1, 256) : random.Next(2, 8), 1 << random.Next(0, 8))),
            KeySignatures = Changes(random, canonical, () => new KeySignature(random.Next(0, 20000), random.Next(-7, 8), random.Next(2) == 0)),
            Tracks = Shuffle(random, tracks),
            Metadata = new PieceMetadata
            {
                Title = RandomText(random),
                Composer = random.Next(2) == 0 ? null : RandomText(random),
                Copyright = random.Next(2) == 0 ? null : RandomText(random),
                Provenance = random.Next(2) == 0 ? null : RandomProvenance(random),
            },
        };
    }

    /// <summary>A few changes; sometimes two at one tick, and outside canonical form sometimes an exact repeat.</summary>
    private static List<T> Changes<T>(Random random, bool canonical, Func<T> next) where T : notnull
    {
        var changes = new List<T>();
        int count = random.Next(0, 5);
        for (int i = 0; i < count; i++)
        {
            var change = next();
            if (canonical && changes.Contains(change)) continue;
            changes.Add(change);
            if (!canonical && random.Next(4) == 0) changes.Add(change);
        }
        return changes;
    }

    private static Provenance RandomProvenance(Random random) => new()
    {
        ModelId = RandomText(random),
        CheckpointId = RandomText(random),
        Seed = random.NextInt64(long.MinValue, long.MaxValue),
        Parameters = Enumerable.Range(0, random.Next(0, 4)).ToDictionary(i => $"p{i}{RandomText(random)}", _ => RandomText(random)),
        CreatedAt = new DateTimeOffset(random.NextInt64(TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks / 2), TimeSpan.FromMinutes(random.Next(-14 * 60, 14 * 60 + 1))),
        Author = random.Next(2) == 0 ? null : RandomText(random),
        Adviser = random.Next(2) == 0 ? null : RandomText(random),
        Organisation = random.Next(2) == 0 ? null : RandomText(random),
        Licence = random.Next(2) == 0 ? null : RandomText(random),
    };

    private static int RandomChannel(Random random) => random.Next(4) == 0 ? 9 : random.Next(16);

    private static string RandomText(Random random) =>
        string.Concat(Enumerable.Range(0, random.Next(0, 4)).Select(_ => TextPieces[random.Next(TextPieces.Length)]));

    private static List<T> Shuffle<T>(Random random, List<T> items)
    {
        var copy = items.ToList();
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(copy));
        return copy;
    }
}
