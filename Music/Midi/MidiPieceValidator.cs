using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Midi;

/// <summary>
/// Checks that a piece fits what a Standard MIDI File can hold, before anything is written, so a bad value is
/// reported by name and position instead of surfacing as a corrupt file or an error deep inside NAudio.
/// </summary>
internal static class MidiPieceValidator
{
    /// <summary>The largest tick written: every delta time then fits one 4-byte variable-length quantity.</summary>
    public const long MaxTick = 0x0FFFFFFF;

    /// <summary>One conductor chunk plus the track chunks must fit the header's 16-bit chunk count.</summary>
    public const int MaxTracks = ushort.MaxValue - 1;

    public static void Validate(Piece piece)
    {
        if (piece.TicksPerQuarter is < 1 or > 0x7FFF)
            throw Invalid($"TicksPerQuarter {piece.TicksPerQuarter} is outside 1-32767");
        for (int i = 0; i < piece.Notes.Count; i++)
        {
            var n = piece.Notes[i];
            string where = $"Notes[{i}] (pitch {n.Pitch} at tick {n.Start})";
            if (n.Pitch is < 0 or > 127) throw Invalid($"{where}: pitch is outside 0-127");
            if (n.Velocity is < 1 or > 127) throw Invalid($"{where}: velocity {n.Velocity} is outside 1-127");
            if (n.Channel is < 0 or > 15) throw Invalid($"{where}: channel {n.Channel} is outside 0-15");
            if (n.Start < 0 || n.Duration < 0) throw Invalid($"{where}: start and duration must not be negative (duration {n.Duration})");
            if (n.Start > MaxTick - n.Duration) throw Invalid($"{where}: ends at tick {n.Start + n.Duration}, after the last writable tick {MaxTick}");
            if (n.Track is < 0 or >= MaxTracks) throw Invalid($"{where}: track {n.Track} is outside 0-{MaxTracks - 1}");
        }
        for (int i = 0; i < piece.Tempos.Count; i++)
        {
            var t = piece.Tempos[i];
            CheckTick(t.Tick, $"Tempos[{i}]");
            if (t.MicrosecondsPerQuarter is < 1 or > 0xFFFFFF)
                throw Invalid($"Tempos[{i}]: {t.MicrosecondsPerQuarter} microseconds per quarter note is outside 1-16777215");
        }
        for (int i = 0; i < piece.TimeSignatures.Count; i++)
        {
            var s = piece.TimeSignatures[i];
            CheckTick(s.Tick, $"TimeSignatures[{i}]");
            if (s.Numerator is < 1 or > 255) throw Invalid($"TimeSignatures[{i}]: numerator {s.Numerator} is outside 1-255");
            if (s.Denominator is < 1 or > 128 || (s.Denominator & (s.Denominator - 1)) != 0)
                throw Invalid($"TimeSignatures[{i}]: denominator {s.Denominator} is not a power of two from 1 to 128");
        }
        for (int i = 0; i < piece.KeySignatures.Count; i++)
        {
            var k = piece.KeySignatures[i];
            CheckTick(k.Tick, $"KeySignatures[{i}]");
            if (k.Sharps is < -7 or > 7) throw Invalid($"KeySignatures[{i}]: {k.Sharps} sharps is outside -7 to 7");
        }
        var seen = new HashSet<int>();
        for (int i = 0; i < piece.Tracks.Count; i++)
        {
            var t = piece.Tracks[i];
            if (t.Index is < 0 or >= MaxTracks) throw Invalid($"Tracks[{i}]: index {t.Index} is outside 0-{MaxTracks - 1}");
            if (!seen.Add(t.Index)) throw Invalid($"Tracks[{i}]: index {t.Index} appears twice");
            if (t.Program is < 0 or > 127) throw Invalid($"Tracks[{i}]: program {t.Program} is outside 0-127");
            if (t.Channel is < 0 or > 15) throw Invalid($"Tracks[{i}]: channel {t.Channel} is outside 0-15");
        }
    }

    private static void CheckTick(long tick, string where)
    {
        if (tick is < 0 or > MaxTick) throw Invalid($"{where}: tick {tick} is outside 0-{MaxTick}");
    }

    private static ArgumentException Invalid(string problem) =>
        new($"The piece cannot be written as MIDI: {problem}.", "piece");
}
