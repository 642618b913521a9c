using System.Diagnostics;
using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Midi;

/// <summary>How fast <see cref="MidiFileReader"/> parses; megabytes are 10^6 bytes.</summary>
public sealed record MidiParseThroughput(double MegabytesPerSecond, int Files, long BytesPerPass, int Passes, TimeSpan Elapsed)
{
    public double FilesPerSecond => Files * Passes / Elapsed.TotalSeconds;
}

/// <summary>Benchmarks for `musiccluster bench`. Not tests: they measure, they do not judge.</summary>
public static class MidiBenchmarks
{
    /// <summary>
    /// Parses a synthetic in-memory corpus (written by <see cref="MidiFileWriter"/>, so no disk is involved) again
    /// and again for at least <paramref name="minimumDuration"/> (2 s by default; one pass at least), after a
    /// warm-up of half that time (one pass at least).
    /// </summary>
    public static MidiParseThroughput MeasureParseThroughput(
        int files = 32, int notesPerFile = 4000, int seed = 1, TimeSpan? minimumDuration = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(files, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(notesPerFile);
        var corpus = Enumerable.Range(0, files)
            .Select(i => MidiFileWriter.Write(SyntheticPiece(notesPerFile, seed + i)))
            .ToList();
        long bytesPerPass = corpus.Sum(f => (long)f.Length);
        var budget = minimumDuration ?? TimeSpan.FromSeconds(2);

        // Warm-up, so tiered JIT has compiled the parser's optimized code before the clock runs.
        var warmUp = Stopwatch.StartNew();
        do
        {
            foreach (var file in corpus) MidiFileReader.Read(file);
        } while (warmUp.Elapsed < budget / 2);

        int passes = 0;
        var clock = Stopwatch.StartNew();
        do
        {
            foreach (var file in corpus) MidiFileReader.Read(file);
            passes++;
        } while (clock.Elapsed < budget);
        clock.Stop();
        double seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
        return new MidiParseThroughput(bytesPerPass * passes / seconds / 1e6, files, bytesPerPass, passes, clock.Elapsed);
    }

    /// <summary>A plausible piece: four tracks of notes on a sixteenth grid, a few tempo changes.</summary>
    private static Piece SyntheticPiece(int noteCount, int seed)
    {
        var random = new Random(seed);
        const int tpq = Piece.DefaultTicksPerQuarter;
        var notes = new List<Note>(noteCount);
        var clocks = new long[4];
        for (int i = 0; i < noteCount; i++)
        {
            int track = random.Next(4);
            long duration = tpq / 4 * random.Next(1, 9);
            notes.Add(new Note(36 + track * 12 + random.Next(24), clocks[track], duration, random.Next(40, 110), track, track));
            clocks[track] += tpq / 4 * random.Next(0, 5);
        }
        return new Piece
        {
            Notes = notes,
            Tempos = [new TempoChange(0, 500_000), new TempoChange(tpq * 64, 450_000)],
            TimeSignatures = [new TimeSignature(0, 4, 4)],
            KeySignatures = [new KeySignature(0, 0, false)],
            Tracks = Enumerable.Range(0, 4).Select(t => new TrackInfo(t, $"Voice {t + 1}", t * 8, t)).ToList(),
            Metadata = new PieceMetadata { Title = "Benchmark" },
        };
    }
}
