namespace MusicCluster.Music.Midi;

/// <summary>The Standard MIDI File formats the writer produces (the reader also takes format 2).</summary>
public enum MidiFileFormat
{
    /// <summary>Format 0: one chunk for everything. Tracks read back as one per channel, without names.</summary>
    SingleTrack = 0,

    /// <summary>Format 1: a conductor chunk, then one chunk per track. The default: it keeps the tracks.</summary>
    MultiTrack = 1,
}
