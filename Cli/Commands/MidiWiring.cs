using MusicCluster.Music.Pieces;

namespace MusicCluster.Cli.Commands;

/// <summary>
/// The MIDI reader and writer the commands use. Both come from Music/Midi, which is built separately: until it is
/// merged they are null, so `convert` reports that it cannot read MIDI and WAV uses the built-in synthesizer.
/// </summary>
internal static class MidiWiring
{
    // TODO(merge): set to the Music/Midi reader (path -> Piece) and writer (Piece -> SMF bytes).
    public static readonly Func<string, Piece>? ReadMidiFile = null;
    public static readonly Func<Piece, byte[]>? EncodeMidi = null;
}
