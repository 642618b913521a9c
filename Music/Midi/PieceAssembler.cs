using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Midi;

/// <summary>
/// Turns the events of a parsed MIDI file into a <see cref="Piece"/>: pairs note-ons with note-offs, collects the
/// tempo map, signatures and names, and decides which chunks are tracks.
/// </summary>
/// <remarks>
/// Note pairing: a note-off ends the oldest sounding note of the same track chunk, channel and pitch (first in,
/// first out), which is how sequencers replay overlapping notes of one pitch. An unmatched note-off is ignored; a
/// note still sounding at the end of its chunk ends there.
/// Tracks: in format 0 each channel used is a track (ascending channel order). In formats 1 and 2 each chunk is a
/// track, except that a first chunk without notes or program changes is the conductor track (tempo, signatures,
/// title) and not a track. A track's program and channel come from its first program change, else the channel of
/// its first note. The title is the name of the first chunk. Tempo, time and key signature changes are gathered
/// from all chunks; a repeat of the change before it (same tick, same value) is dropped (see <see cref="WithoutRepeats{T}"/>).
/// </remarks>
internal sealed class PieceAssembler
{
    private const int ChannelCount = 16;
    private const string ComposerPrefix = "Composer: ";

    private readonly List<RawNote> notes = [];
    private readonly List<ChunkSummary> chunks = [];
    private readonly List<TempoChange> tempos = [];
    private readonly List<TimeSignature> timeSignatures = [];
    private readonly List<KeySignature> keySignatures = [];
    private Queue<PendingNote>?[]? sounding; // by channel * 128 + pitch; allocated at the first note
    private bool[]? listed;                 // whether a key is in soundingKeys
    private readonly List<int> soundingKeys = []; // keys that had a note in the current chunk
    private int format;
    private int ticksPerQuarter;
    private string? copyright;
    private string? composer;
    private Provenance? provenance;
    private ChunkSummary current = new();

    /// <summary>How the writer tags the composer in a text event; the reader accepts any letter case.</summary>
    public static string ComposerTextPrefix => ComposerPrefix;

    public void Start(int midiFormat, int division)
    {
        format = midiFormat;
        ticksPerQuarter = division;
    }

    public void BeginTrack()
    {
        current = new ChunkSummary();
        chunks.Add(current);
    }

    public void NoteOn(long tick, int channel, int pitch, int velocity)
    {
        sounding ??= new Queue<PendingNote>?[ChannelCount * 128];
        listed ??= new bool[ChannelCount * 128];
        int key = channel * 128 + pitch;
        var queue = sounding[key] ??= new Queue<PendingNote>();
        if (!listed[key])
        {
            listed[key] = true;
            soundingKeys.Add(key);
        }
        queue.Enqueue(new PendingNote(tick, velocity));
        current.NoteChannels |= (ushort)(1 << channel);
        current.FirstNoteChannel ??= channel;
    }

    public void NoteOff(long tick, int channel, int pitch)
    {
        var queue = sounding?[channel * 128 + pitch];
        if (queue is null || queue.Count == 0) return; // a note-off with no sounding note: nothing to end
        var started = queue.Dequeue();
        notes.Add(new RawNote(chunks.Count - 1, channel, pitch, started.Start, tick - started.Start, started.Velocity));
    }

    public void ProgramChange(int channel, int program)
    {
        current.FirstProgram ??= (channel, program);
        current.ProgramByChannel ??= new int?[ChannelCount];
        current.ProgramByChannel[channel] ??= program;
    }

    public void Tempo(long tick, int microsecondsPerQuarter) => tempos.Add(new TempoChange(tick, microsecondsPerQuarter));

    public void TimeSignature(long tick, int numerator, int denominator) =>
        timeSignatures.Add(new TimeSignature(tick, numerator, denominator));

    public void KeySignature(long tick, int sharps, bool minor) => keySignatures.Add(new KeySignature(tick, sharps, minor));

    public void Text(int metaType, ReadOnlySpan<byte> payload)
    {
        switch (metaType)
        {
            case 0x03 when current.Name is null: current.Name = MidiText.Decode(payload); break;
            case 0x02 when copyright is null: copyright = MidiText.Decode(payload); break;
            case 0x01 when composer is null:
                string text = MidiText.Decode(payload);
                if (text.StartsWith(ComposerPrefix, StringComparison.OrdinalIgnoreCase)) composer = text[ComposerPrefix.Length..];
                break;
        }
    }

    public void SequencerSpecific(ReadOnlySpan<byte> payload, long payloadOffset)
    {
        if (provenance is null && MidiProvenanceBlock.IsProvenanceBlock(payload))
            provenance = MidiProvenanceBlock.Decode(payload, payloadOffset);
    }

    /// <summary>Ends the current chunk: notes still sounding end at its last tick.</summary>
    public void EndTrack(long tick)
    {
        if (sounding is null || listed is null) return;
        foreach (int key in soundingKeys)
        {
            listed[key] = false;
            var queue = sounding[key]!;
            while (queue.Count > 0)
            {
                var started = queue.Dequeue();
                notes.Add(new RawNote(chunks.Count - 1, key / 128, key % 128, started.Start, tick - started.Start, started.Velocity));
            }
        }
        soundingKeys.Clear();
    }

    public Piece Build()
    {
        var (tracks, trackOfNote) = format == 0 ? TracksByChannel() : TracksByChunk();
        // PieceBuilder.Normalize's order, built directly: sorting structs that compare themselves is several times
        // faster than its LINQ sort on six keys, which was a third of the parse time. The other lists are already in
        // order (changes by tick, tracks by index). A test holds the two orders equal.
        var keys = new NoteKey[notes.Count];
        for (int i = 0; i < keys.Length; i++)
        {
            var n = notes[i];
            keys[i] = new NoteKey(n.Start, trackOfNote(n), n.Pitch, n.Duration, n.Velocity, n.Channel);
        }
        Array.Sort(keys);
        var pieceNotes = new List<Note>(keys.Length);
        foreach (var k in keys) pieceNotes.Add(new Note(k.Pitch, k.Start, k.Duration, k.Velocity, k.Track, k.Channel));
        return new Piece
        {
            TicksPerQuarter = ticksPerQuarter,
            Notes = pieceNotes,
            Tempos = WithoutRepeats(tempos),
            TimeSignatures = WithoutRepeats(timeSignatures),
            KeySignatures = WithoutRepeats(keySignatures),
            Tracks = tracks,
            Metadata = new PieceMetadata
            {
                Title = chunks.Count > 0 ? chunks[0].Name ?? "" : "",
                Composer = composer,
                Copyright = copyright,
                Provenance = provenance,
            },
        };
    }

    /// <summary>A note that sorts in the order of <see cref="PieceBuilder.Normalize"/>.</summary>
    private readonly record struct NoteKey(long Start, int Track, int Pitch, long Duration, int Velocity, int Channel)
        : IComparable<NoteKey>
    {
        public int CompareTo(NoteKey other)
        {
            int c = Start.CompareTo(other.Start);
            if (c == 0) c = Track.CompareTo(other.Track);
            if (c == 0) c = Pitch.CompareTo(other.Pitch);
            if (c == 0) c = Duration.CompareTo(other.Duration);
            if (c == 0) c = Velocity.CompareTo(other.Velocity);
            if (c == 0) c = Channel.CompareTo(other.Channel);
            return c;
        }
    }

    /// <summary>
    /// Sorted by tick (stably: of two changes at one tick the later one wins), with an exact repeat of the entry before
    /// it (same tick and value) dropped: format 1 files often repeat the key or time signature in every track.
    /// </summary>
    internal static List<T> WithoutRepeats<T>(IEnumerable<T> changes) where T : notnull
    {
        var result = new List<T>();
        foreach (var change in changes.OrderBy(TickOf))
            if (result.Count == 0 || !result[^1].Equals(change)) result.Add(change);
        return result;
    }

    private static long TickOf<T>(T change) => change switch
    {
        TempoChange t => t.Tick,
        TimeSignature s => s.Tick,
        KeySignature k => k.Tick,
        _ => throw new ArgumentException($"{typeof(T).Name} has no tick"),
    };

    private (List<TrackInfo>, Func<RawNote, int>) TracksByChannel()
    {
        var chunk = chunks.Count > 0 ? chunks[0] : new ChunkSummary();
        var trackOfChannel = new int[ChannelCount];
        var tracks = new List<TrackInfo>();
        for (int channel = 0; channel < ChannelCount; channel++)
        {
            int? program = chunk.ProgramByChannel?[channel];
            if ((chunk.NoteChannels & (1 << channel)) == 0 && program is null) continue;
            trackOfChannel[channel] = tracks.Count;
            tracks.Add(new TrackInfo(tracks.Count, "", program ?? 0, channel));
        }
        return (tracks, n => trackOfChannel[n.Channel]);
    }

    private (List<TrackInfo>, Func<RawNote, int>) TracksByChunk()
    {
        bool firstIsConductor = chunks.Count > 0 && chunks[0].NoteChannels == 0 && chunks[0].FirstProgram is null;
        int skipped = firstIsConductor ? 1 : 0;
        var tracks = new List<TrackInfo>(Math.Max(0, chunks.Count - skipped));
        for (int c = skipped; c < chunks.Count; c++)
        {
            var chunk = chunks[c];
            var (channel, program) = chunk.FirstProgram ?? (chunk.FirstNoteChannel ?? 0, 0);
            tracks.Add(new TrackInfo(c - skipped, chunk.Name ?? "", program, channel));
        }
        return (tracks, n => n.Chunk - skipped);
    }

    private readonly record struct PendingNote(long Start, int Velocity);

    private readonly record struct RawNote(int Chunk, int Channel, int Pitch, long Start, long Duration, int Velocity);

    private sealed class ChunkSummary
    {
        public string? Name;
        public ushort NoteChannels;
        public int? FirstNoteChannel;
        public (int Channel, int Program)? FirstProgram;
        public int?[]? ProgramByChannel;
    }
}
