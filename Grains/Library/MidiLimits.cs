using Microsoft.Extensions.Configuration;
using MusicCluster.Music.Midi;
using MusicCluster.Music.Pieces;

namespace MusicCluster.Grains.Library;

/// <summary>
/// How much music one MIDI file from outside may hold (an upload to score, a primer, a piece to store), checked
/// right after parsing and before any work that grows with it: tokenizing, scoring, rendering, storing. A 52-byte
/// file can claim a note a million bars away; without a bound it is scored as a million bars. Section
/// MusicCluster:Limits: MaxBars (default 1,000: a long chorale has 40, a symphony movement a few hundred) and
/// MaxNotes (default 100,000). Bad values fail at start naming the key.
/// </summary>
public sealed record MidiLimits(int MaxBars = MidiLimits.DefaultMaxBars, int MaxNotes = MidiLimits.DefaultMaxNotes)
{
    public const string Section = "MusicCluster:Limits";
    public const int DefaultMaxBars = 1_000;
    public const int DefaultMaxNotes = 100_000;

    public static MidiLimits From(IConfiguration configuration)
    {
        IConfigurationSection section = configuration.GetSection(Section);
        return new MidiLimits(section.ReadInteger("MaxBars", DefaultMaxBars, 1, 100_000), section.ReadInteger("MaxNotes", DefaultMaxNotes, 1, 10_000_000));
    }

    /// <summary>
    /// Parses <paramref name="midi"/> and checks it against the limits; every problem is an ArgumentException whose
    /// message starts with <paramref name="field"/> (the API's name for the file) and says what is wrong and where.
    /// </summary>
    public Piece Read(byte[] midi, string field)
    {
        Piece piece;
        try
        {
            piece = MidiFileReader.Read(midi);
        }
        catch (MidiFormatException e)
        {
            throw new ArgumentException($"{field}: {e.Message}");
        }
        Check(piece, field);
        return piece;
    }

    public void Check(Piece piece, string field)
    {
        if (piece.Notes.Count > MaxNotes)
            throw new ArgumentException($"{field}: the file has {piece.Notes.Count:N0} notes; at most {MaxNotes:N0} are taken ({Section}:MaxNotes)");
        if (CountBars(piece, MaxBars + 1) > MaxBars)
        {
            Note last = piece.Notes.MaxBy(n => n.Start + n.Duration)!;
            throw new ArgumentException($"{field}: the file has more than {MaxBars:N0} bars (its last note ends at tick {last.Start + last.Duration:N0}, " +
                $"{piece.TicksPerQuarter} ticks per quarter); at most {MaxBars:N0} are taken ({Section}:MaxBars)");
        }
    }

    /// <summary>The piece's bars by its time signatures, counting no further than <paramref name="stopAt"/>.</summary>
    public static int CountBars(Piece piece, int stopAt = int.MaxValue)
    {
        long end = piece.EndTick, tick = 0;
        int bars = 0;
        while (tick < end && bars < stopAt)
        {
            tick += Math.Max(1, piece.TimeSignatureAt(tick).TicksPerBar(piece.TicksPerQuarter));
            bars++;
        }
        return bars;
    }
}
