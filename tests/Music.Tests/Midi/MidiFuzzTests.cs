using MusicCluster.Music.Midi;
using MusicCluster.Music.Pieces;
using Xunit.Abstractions;
using static MusicCluster.Music.Tests.Midi.SmfBytes;

namespace MusicCluster.Music.Tests.Midi;

/// <summary>
/// Mutated MIDI files (seeded, so any failure replays): each must end as a valid piece or as one
/// <see cref="MidiFormatException"/> naming a byte of the file, without an allocation sized by a length field.
/// </summary>
public class MidiFuzzTests(ITestOutputHelper output)
{
    private const int Cases = 12_000;

    [Fact]
    public void MutatedFilesEndAsAPieceOrAFormatErrorNamingTheByte()
    {
        var seeds = SeedFiles();
        // Once-per-process costs (JSON metadata for provenance, JIT helpers) must not count against a file's allocations.
        foreach (var file in seeds) MidiFileReader.Read(file);
        var failures = new List<string>();
        int parsed = 0, refused = 0;
        var mutationsUsed = new HashSet<string>();
        for (int seed = 0; seed < Cases && failures.Count < 10; seed++)
        {
            var random = new Random(seed);
            byte[] file = seeds[random.Next(seeds.Count)];
            var applied = new List<string>();
            int mutations = random.Next(4) == 0 ? random.Next(2, 4) : 1;
            for (int m = 0; m < mutations; m++)
            {
                var (name, mutate) = Mutations[random.Next(Mutations.Length)];
                file = mutate(random, file);
                applied.Add(name);
                mutationsUsed.Add(name);
            }
            string what = $"seed {seed} ({string.Join(", ", applied)}, {file.Length} bytes)";

            long before = GC.GetAllocatedBytesForCurrentThread();
            Piece? piece = null;
            try
            {
                piece = MidiFileReader.Read(file);
                parsed++;
            }
            catch (MidiFormatException e)
            {
                refused++;
                if (e.ByteOffset < 0 || e.ByteOffset > file.Length || !e.Problem.Contains("byte "))
                    failures.Add($"{what}: error without a byte of the file: offset {e.ByteOffset}, '{e.Problem}'");
            }
            catch (Exception e)
            {
                failures.Add($"{what}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            // Generous for what a piece costs per byte of file; far below what a trusted length field could ask for.
            long allowed = 1024 * 1024 + 256L * file.Length;
            if (allocated > allowed) failures.Add($"{what}: reading allocated {allocated} bytes, more than {allowed}");
            if (piece is not null && CheckParsedPiece(piece) is { } problem) failures.Add($"{what}: {problem}");
        }
        output.WriteLine($"{parsed} parsed, {refused} refused with a MidiFormatException, mutations used: {string.Join(", ", mutationsUsed.Order())}");

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        Assert.Equal(Cases, parsed + refused);
        // Both outcomes must be common, or the mutations are too mild or too blunt to test much.
        Assert.True(parsed > Cases / 10 && refused > Cases / 10, $"{parsed} parsed, {refused} refused");
        Assert.Equal(Mutations.Length, mutationsUsed.Count);
    }

    /// <summary>A parsed piece must be valid and, when its ticks fit a file, survive another round trip.</summary>
    private static string? CheckParsedPiece(Piece piece)
    {
        var trackIndices = piece.Tracks.Select(t => t.Index).ToHashSet();
        foreach (var n in piece.Notes)
        {
            if (n.Pitch is < 0 or > 127 || n.Velocity is < 1 or > 127 || n.Channel is < 0 or > 15 || n.Start < 0 || n.Duration < 0)
                return $"invalid note {n}";
            if (!trackIndices.Contains(n.Track)) return $"note {n} on a track the piece does not list";
        }
        if (!piece.Tracks.Select(t => t.Index).SequenceEqual(Enumerable.Range(0, piece.Tracks.Count))) return "tracks not numbered 0..n-1";
        bool fitsAFile = piece.Notes.All(n => n.End <= 0x0FFFFFFF) && piece.Tempos.All(t => t.Tick <= 0x0FFFFFFF)
            && piece.TimeSignatures.All(t => t.Tick <= 0x0FFFFFFF) && piece.KeySignatures.All(k => k.Tick <= 0x0FFFFFFF);
        if (!fitsAFile) return null;
        var back = MidiFileReader.Read(MidiFileWriter.Write(piece));
        try
        {
            PieceAssert.Equal(MidiCanonicalForm.Of(piece), back);
        }
        catch (Xunit.Sdk.XunitException e)
        {
            return $"a parsed piece does not round-trip: {e.Message}";
        }
        return null;
    }

    private static List<byte[]> SeedFiles()
    {
        var files = Enumerable.Range(0, 40).Select(seed => MidiFileWriter.Write(RandomPieces.Any(seed))).ToList();
        files.Add(File(Header(0, 1, 96), Track(TrackName("Song"), Event(0, 0xC0, 5), Event(0, 0x90, 60, 100), Event(0, 64, 90),
            Event(96, 60, 0), Event(0, 64, 0), Event(0, 0xF0, 3, 0x7E, 0x7F, 0xF7), Event(0, 0x99, 36, 127), Event(48, 0x89, 36, 64), EndOfTrack(48))));
        files.Add(File(Header(1, 2, 384, headerLength: 8), Chunk("XFIH", [1, 2, 3]),
            Track(TrackName("Title"), Tempo(0, 500_000), TimeSignature(0, 3, 2), KeySignature(0, -2, false), EndOfTrack()),
            Track(Event(0, 0xB0, 7, 100), Event(0, 0x90, 67, 80), Event(10, 0xE0, 0, 64), Event(100, 0x90, 67, 0), Meta(0, 0x06, [65, 66]), EndOfTrack())));
        return files;
    }

    private static readonly (string Name, Func<Random, byte[], byte[]> Mutate)[] Mutations =
    [
        ("truncate", (r, f) => f[..r.Next(f.Length)]),
        ("flip bytes", (r, f) => Edit(f, c => { for (int i = r.Next(1, 9); i > 0 && c.Count > 0; i--) c[r.Next(c.Count)] = (byte)r.Next(256); })),
        ("flip bits", (r, f) => Edit(f, c => { for (int i = r.Next(1, 5); i > 0 && c.Count > 0; i--) c[r.Next(c.Count)] ^= (byte)(1 << r.Next(8)); })),
        ("insert bytes", (r, f) => Edit(f, c => c.InsertRange(r.Next(c.Count + 1), RandomBytes(r, r.Next(1, 9))))),
        ("delete bytes", (r, f) => Edit(f, c => { int at = r.Next(c.Count); c.RemoveRange(at, Math.Min(c.Count - at, r.Next(1, 9))); })),
        ("duplicate slice", (r, f) => Edit(f, c => { int at = r.Next(c.Count); var slice = c.Skip(at).Take(r.Next(1, 64)).ToList(); c.InsertRange(r.Next(c.Count + 1), slice); })),
        ("chunk length", (r, f) => Edit(f, c => SetChunkLength(r, c))),
        ("header length", (r, f) => Edit(f, c => Put(c, 4, BigEndian32(AbsurdLength(r))))),
        ("track count", (r, f) => Edit(f, c => Put(c, 10, BigEndian16(r.Next(3) switch { 0 => 0, 1 => 65535, _ => r.Next(0, 8) })))),
        ("format", (r, f) => Edit(f, c => Put(c, 8, BigEndian16(r.Next(0, 5))))),
        ("division", (r, f) => Edit(f, c => Put(c, 12, BigEndian16(r.Next(65536))))),
        ("absurd delta", (r, f) => Edit(f, c => c.InsertRange(EventPosition(r, c), r.Next(2) == 0 ? [0xFF, 0xFF, 0xFF, 0x7F] : [0x8F, 0xFF, 0xFF, 0xFF, 0x7F]))),
        ("garbage SysEx", (r, f) => Edit(f, c => c.InsertRange(EventPosition(r, c),
            [0x00, r.Next(2) == 0 ? (byte)0xF0 : (byte)0xF7, .. AbsurdVariableLength(r), .. RandomBytes(r, r.Next(0, 16))]))),
        ("garbage meta", (r, f) => Edit(f, c => c.InsertRange(EventPosition(r, c),
            [0x00, 0xFF, (byte)r.Next(256), .. AbsurdVariableLength(r), .. RandomBytes(r, r.Next(0, 16))]))),
        ("garbage events", (r, f) => Edit(f, c => c.InsertRange(EventPosition(r, c), RandomEvents(r)))),
    ];

    private static byte[] Edit(byte[] file, Action<List<byte>> change)
    {
        var bytes = file.ToList();
        if (bytes.Count > 0) change(bytes);
        return bytes.ToArray();
    }

    private static void Put(List<byte> bytes, int offset, byte[] value)
    {
        for (int i = 0; i < value.Length && offset + i < bytes.Count; i++) bytes[offset + i] = value[i];
    }

    /// <summary>Sets the length of a random MTrk chunk (or the header) to something wrong.</summary>
    private static void SetChunkLength(Random random, List<byte> bytes)
    {
        var chunkStarts = Enumerable.Range(0, Math.Max(0, bytes.Count - 3))
            .Where(i => bytes[i] == 'M' && bytes[i + 1] == 'T' && (bytes[i + 2] == 'r' || bytes[i + 2] == 'h')).ToList();
        if (chunkStarts.Count == 0) return;
        int at = chunkStarts[random.Next(chunkStarts.Count)] + 4;
        uint current = at + 4 <= bytes.Count ? (uint)(bytes[at] << 24 | bytes[at + 1] << 16 | bytes[at + 2] << 8 | bytes[at + 3]) : 0;
        uint wrong = random.Next(3) switch { 0 => AbsurdLength(random), 1 => (uint)Math.Max(0, current + random.Next(-8, 9)), _ => 0 };
        Put(bytes, at, BigEndian32(wrong));
    }

    private static uint AbsurdLength(Random random) => random.Next(4) switch
    {
        0 => uint.MaxValue,
        1 => 0x7FFFFFFF,
        2 => 0x0FFFFFFF,
        _ => (uint)random.Next(0, 100_000),
    };

    /// <summary>A variable-length quantity (at most 0x0FFFFFFF, what 4 bytes hold) that is usually far too large.</summary>
    private static byte[] AbsurdVariableLength(Random random) => VariableLength((int)Math.Min(AbsurdLength(random), 0x0FFFFFFF));

    /// <summary>A position inside the first track chunk's events, or anywhere if there is none.</summary>
    private static int EventPosition(Random random, List<byte> bytes)
    {
        int track = Enumerable.Range(0, Math.Max(0, bytes.Count - 3)).FirstOrDefault(i => bytes[i] == 'M' && bytes[i + 1] == 'T' && bytes[i + 2] == 'r', -1);
        return track < 0 || track + 8 >= bytes.Count ? random.Next(bytes.Count + 1) : random.Next(track + 8, bytes.Count + 1);
    }

    /// <summary>Plausible-looking events with random status and data bytes, some using running status.</summary>
    private static byte[] RandomEvents(Random random)
    {
        var bytes = new List<byte>();
        for (int i = random.Next(1, 6); i > 0; i--)
        {
            bytes.AddRange(VariableLength(random.Next(2) == 0 ? random.Next(128) : random.Next(0x0FFFFFFF)));
            if (random.Next(3) != 0) bytes.Add((byte)random.Next(0x80, 0x100));
            bytes.AddRange(RandomBytes(random, random.Next(0, 4)));
        }
        return bytes.ToArray();
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
