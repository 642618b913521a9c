using System.Text;
using System.Text.Unicode;

namespace MusicCluster.Music.Midi;

/// <summary>
/// Text in MIDI meta events. The format predates Unicode and says nothing about encodings: we write UTF-8 (so any
/// title round-trips) and read UTF-8 when the bytes are valid UTF-8, otherwise Latin-1 (what older programs wrote).
/// </summary>
internal static class MidiText
{
    public static byte[] Encode(string text) => Encoding.UTF8.GetBytes(text);

    public static string Decode(ReadOnlySpan<byte> bytes) =>
        Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : Encoding.Latin1.GetString(bytes);

    /// <summary>What a string becomes after writing and reading (invalid UTF-16 is replaced on encoding).</summary>
    public static string RoundTrip(string text) => Decode(Encode(text));
}
