using System.Text;
using System.Text.Json;
using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Midi;

/// <summary>
/// Carries a generated piece's <see cref="Provenance"/> inside its MIDI file, as a sequencer-specific meta event
/// (type 0x7F) that players ignore: the manufacturer byte 0x7D (reserved for non-commercial use), a tag naming
/// the block and its version, then the provenance as UTF-8 JSON.
/// </summary>
internal static class MidiProvenanceBlock
{
    private const byte NonCommercialManufacturerId = 0x7D;
    private static readonly byte[] Tag = Encoding.ASCII.GetBytes("MusicCluster.Provenance/1\0");

    public static byte[] Encode(Provenance provenance)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(provenance);
        var block = new byte[1 + Tag.Length + json.Length];
        block[0] = NonCommercialManufacturerId;
        Tag.CopyTo(block, 1);
        json.CopyTo(block, 1 + Tag.Length);
        return block;
    }

    /// <summary>True when a sequencer-specific payload is one of our blocks.</summary>
    public static bool IsProvenanceBlock(ReadOnlySpan<byte> payload) =>
        payload.Length > Tag.Length && payload[0] == NonCommercialManufacturerId && payload.Slice(1, Tag.Length).SequenceEqual(Tag);

    /// <summary>Decodes a block that <see cref="IsProvenanceBlock"/> accepted; bad JSON is a format error.</summary>
    public static Provenance Decode(ReadOnlySpan<byte> payload, long payloadOffset)
    {
        int jsonStart = 1 + Tag.Length;
        try
        {
            return JsonSerializer.Deserialize<Provenance>(payload[jsonStart..])
                ?? throw new JsonException("the JSON is null");
        }
        // JsonException for malformed JSON; the others for JSON that parses but cannot be a Provenance.
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new MidiFormatException(
                $"provenance block at byte {payloadOffset + jsonStart} is not valid provenance JSON: {e.Message}", payloadOffset + jsonStart);
        }
    }
}
