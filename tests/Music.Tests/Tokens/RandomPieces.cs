using MusicCluster.Music.Pieces;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Tests.Tokens;

/// <summary>Random pieces for property tests: on the event grid (exactly representable) or anywhere (to be quantized).</summary>
internal static class RandomPieces
{
    /// <summary>A piece every part of which the event tokens hold exactly: its canonical form.</summary>
    public static Piece OnGrid(Random random, EventTokenizer tokenizer)
    {
        var table = tokenizer.Table;
        int ticksPerStep = tokenizer.Settings.TicksPerStep;
        int trackCount = random.Next(0, 6);
        var tracks = Enumerable.Range(0, trackCount).Select(i => new TrackInfo(i, "", random.Next(128), random.Next(16))).ToList();

        int bars = random.Next(1, 7);
        var barStarts = new List<long>();
        var signatures = new List<TimeSignature>();
        (int Numerator, int Denominator) current = (0, 0);
        long step = 0;
        for (int bar = 0; bar < bars; bar++)
        {
            var signature = bar == 0 || random.NextDouble() < 0.3 ? table.TimeSignatures[random.Next(table.TimeSignatures.Count)] : current;
            if (signature != current) signatures.Add(new TimeSignature(step * ticksPerStep, signature.Numerator, signature.Denominator));
            current = signature;
            barStarts.Add(step);
            step += table.StepsPerBar(signature.Numerator, signature.Denominator);
        }
        long totalSteps = step;

        var notes = new List<Note>();
        foreach (var track in tracks)
            for (int n = random.Next(1, 15); n > 0; n--)
                notes.Add(new Note(random.Next(128), random.NextInt64(totalSteps) * ticksPerStep,
                    (long)table.DurationSteps[random.Next(table.DurationSteps.Length)] * ticksPerStep,
                    EventQuantization.Velocities[random.Next(EventQuantization.Velocities.Count)], track.Index, track.Channel));
        var tempos = Enumerable.Range(0, random.Next(0, 4)).Select(_ => new TempoChange(random.NextInt64(totalSteps) * ticksPerStep,
            EventQuantization.TempoMicroseconds(random.Next(EventQuantization.TempoBpms.Count)))).ToList();
        var keys = Enumerable.Range(0, random.Next(0, 3)).Select(_ => new KeySignature(random.NextInt64(totalSteps) * ticksPerStep,
            random.Next(-7, 8), random.Next(2) == 1)).ToList();

        return PieceBuilder.Normalize(new Piece
        {
            TicksPerQuarter = tokenizer.Settings.TicksPerQuarter,
            Notes = notes,
            Tempos = tempos,
            KeySignatures = keys,
            TimeSignatures = signatures,
            Tracks = tracks,
        });
    }

    /// <summary>A piece off any grid: odd ticks per quarter, unsupported time signatures, many tracks and channels.</summary>
    public static Piece Anywhere(Random random)
    {
        int ticksPerQuarter = random.Next(1, 1000);
        long span = ticksPerQuarter * 4L * random.Next(1, 12);
        int trackCount = random.Next(0, 22);
        var tracks = Enumerable.Range(0, trackCount).Where(_ => random.Next(4) > 0)
            .Select(i => new TrackInfo(i, $"track {i}", random.Next(128), random.Next(16))).ToList();
        var notes = Enumerable.Range(0, random.Next(0, 80)).Select(_ => new Note(random.Next(128), random.NextInt64(span),
            random.NextInt64(0, ticksPerQuarter * 20L), random.Next(1, 128), trackCount == 0 ? 0 : random.Next(trackCount), random.Next(16))).ToList();
        var signatures = Enumerable.Range(0, random.Next(0, 4)).Select(_ => new TimeSignature(random.NextInt64(span), random.Next(1, 20),
            new[] { 1, 2, 3, 4, 8, 16, 32 }[random.Next(7)])).ToList();
        var tempos = Enumerable.Range(0, random.Next(0, 4)).Select(_ => new TempoChange(random.NextInt64(span), random.Next(1, 16_777_216))).ToList();
        var keys = Enumerable.Range(0, random.Next(0, 3)).Select(_ => new KeySignature(random.NextInt64(span), random.Next(-7, 8), random.Next(2) == 1)).ToList();
        return PieceBuilder.Normalize(new Piece
        {
            TicksPerQuarter = ticksPerQuarter,
            Notes = notes,
            Tempos = tempos,
            KeySignatures = keys,
            TimeSignatures = signatures,
            Tracks = tracks,
            Metadata = new PieceMetadata { Title = "random" },
        });
    }
}
