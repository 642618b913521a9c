using System.Text;

namespace MusicCluster.Music.Tests.Midi;

/// <summary>
/// Builds Standard MIDI File bytes by hand, so reader tests control every byte: running status, odd chunk
/// lengths, unknown chunks, missing end-of-track events.
/// </summary>
internal static class SmfBytes
{
    public static byte[] Header(int format, int trackCount, int division, int headerLength = 6)
    {
        var bytes = new List<byte>();
        bytes.AddRange("MThd"u8.ToArray());
        bytes.AddRange(BigEndian32((uint)headerLength));
        bytes.AddRange(BigEndian16(format));
        bytes.AddRange(BigEndian16(trackCount));
        bytes.AddRange(BigEndian16(division));
        for (int i = 6; i < headerLength; i++) bytes.Add(0);
        return bytes.ToArray();
    }

    /// <summary>An MTrk chunk with the given event bytes and the right length.</summary>
    public static byte[] Track(params byte[][] events) => Chunk("MTrk", events.SelectMany(e => e).ToArray());

    public static byte[] Chunk(string type, byte[] body) =>
        [.. Encoding.ASCII.GetBytes(type), .. BigEndian32((uint)body.Length), .. body];

    public static byte[] File(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>A delta time followed by event bytes.</summary>
    public static byte[] Event(int delta, params byte[] bytes) => [.. VariableLength(delta), .. bytes];

    public static byte[] Meta(int delta, int type, byte[] payload) =>
        [.. VariableLength(delta), 0xFF, (byte)type, .. VariableLength(payload.Length), .. payload];

    public static byte[] EndOfTrack(int delta = 0) => Meta(delta, 0x2F, []);

    public static byte[] TrackName(string name) => Meta(0, 0x03, Encoding.UTF8.GetBytes(name));

    public static byte[] Tempo(int delta, int microsecondsPerQuarter) =>
        Meta(delta, 0x51, [(byte)(microsecondsPerQuarter >> 16), (byte)(microsecondsPerQuarter >> 8), (byte)microsecondsPerQuarter]);

    public static byte[] TimeSignature(int delta, int numerator, int denominatorPower) =>
        Meta(delta, 0x58, [(byte)numerator, (byte)denominatorPower, 24, 8]);

    public static byte[] KeySignature(int delta, int sharps, bool minor) => Meta(delta, 0x59, [(byte)(sbyte)sharps, (byte)(minor ? 1 : 0)]);

    public static byte[] VariableLength(int value)
    {
        var groups = new Stack<byte>();
        groups.Push((byte)(value & 0x7F));
        for (value >>= 7; value > 0; value >>= 7) groups.Push((byte)(0x80 | (value & 0x7F)));
        return groups.ToArray();
    }

    public static byte[] BigEndian32(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];

    public static byte[] BigEndian16(int value) => [(byte)(value >> 8), (byte)value];
}
