using MusicCluster.Music.Pieces;
using NAudio.Midi;

namespace MusicCluster.Music.Midi;

/// <summary>
/// Writes a <see cref="Piece"/> as a Standard MIDI File (format 1 unless asked for format 0) with NAudio.Midi.
/// <see cref="MidiFileReader"/> reads the result back as <see cref="MidiCanonicalForm.Of"/> the piece; in format 1
/// that is the piece itself when its tracks are numbered 0..n-1 and its overlapping notes of one pitch end in the
/// order they start.
/// </summary>
/// <remarks>
/// Layout: chunk 0 is the conductor track (title as its name, copyright, a "Composer: " text event, the
/// provenance block, tempo map, time and key signatures); then one chunk per track with its name, a program change
/// on its channel (always, so program and channel read back exactly) and its notes. At one tick, note-offs of
/// sounding notes come before note-ons (so a repeated pitch is not cut by its own release), and the note-offs of
/// zero-length notes come after their note-ons. Format 0 puts the conductor events, one program change per track
/// and all notes into the single chunk.
/// </remarks>
public static class MidiFileWriter
{
    private const int NoteOffVelocity = 64;

    /// <summary>The file's bytes. Throws <see cref="ArgumentException"/> for a piece MIDI cannot hold.</summary>
    public static byte[] Write(Piece piece, MidiFileFormat format = MidiFileFormat.MultiTrack)
    {
        var events = ToEvents(piece, format);
        using var buffer = new MemoryStream();
        MidiFile.Export(buffer, events);
        return buffer.ToArray();
    }

    public static void Write(Piece piece, Stream destination, MidiFileFormat format = MidiFileFormat.MultiTrack) =>
        destination.Write(Write(piece, format));

    public static void WriteFile(Piece piece, string path, MidiFileFormat format = MidiFileFormat.MultiTrack) =>
        File.WriteAllBytes(path, Write(piece, format));

    private static MidiEventCollection ToEvents(Piece piece, MidiFileFormat format)
    {
        MidiPieceValidator.Validate(piece);
        var layout = MidiTrackLayout.Plan(piece);
        var collection = new MidiEventCollection((int)format, piece.TicksPerQuarter);
        var conductor = collection.AddTrack();
        AddConductorTrack(conductor, piece);

        if (format == MidiFileFormat.SingleTrack)
        {
            foreach (var track in layout.Tracks) conductor.Add(new PatchChangeEvent(0, track.Channel + 1, track.Program));
            AddNotes(conductor, piece.Notes.ToList());
        }
        else
        {
            var notesByTrack = piece.Notes.GroupBy(n => layout.TrackOf(n.Track)).ToDictionary(g => g.Key, g => g.ToList());
            foreach (var track in layout.Tracks)
            {
                var events = collection.AddTrack();
                events.Add(Text(MetaEventType.SequenceTrackName, track.Name, 0));
                events.Add(new PatchChangeEvent(0, track.Channel + 1, track.Program));
                if (notesByTrack.TryGetValue(track.Index, out var notes)) AddNotes(events, notes);
            }
        }
        // Sorts each chunk (stably: our order at equal ticks survives) and ends each with one end-of-track event.
        collection.PrepareForExport();
        return collection;
    }

    private static void AddConductorTrack(IList<MidiEvent> events, Piece piece)
    {
        var metadata = piece.Metadata;
        events.Add(Text(MetaEventType.SequenceTrackName, metadata.Title, 0));
        if (metadata.Copyright is not null) events.Add(Text(MetaEventType.Copyright, metadata.Copyright, 0));
        if (metadata.Composer is not null)
            events.Add(Text(MetaEventType.TextEvent, PieceAssembler.ComposerTextPrefix + metadata.Composer, 0));
        if (metadata.Provenance is not null)
            events.Add(new SequencerSpecificEvent(MidiProvenanceBlock.Encode(metadata.Provenance), 0));
        foreach (var tempo in piece.Tempos.OrderBy(t => t.Tick))
            events.Add(new TempoEvent(tempo.MicrosecondsPerQuarter, tempo.Tick));
        foreach (var signature in piece.TimeSignatures.OrderBy(t => t.Tick))
            events.Add(new TimeSignatureEvent(signature.Tick, signature.Numerator, DenominatorPower(signature.Denominator),
                ticksInMetronomeClick: 24, no32ndNotesInQuarterNote: 8));
        foreach (var key in piece.KeySignatures.OrderBy(k => k.Tick))
            events.Add(new KeySignatureEvent(key.Sharps, key.Minor ? 1 : 0, key.Tick));
    }

    private static void AddNotes(IList<MidiEvent> events, List<Note> notes)
    {
        notes.Sort(MidiNoteOrder.Instance);
        var timeline = new List<(long Tick, int Phase, int Order, MidiEvent Event)>(notes.Count * 2);
        for (int i = 0; i < notes.Count; i++)
        {
            var n = notes[i];
            timeline.Add((n.Start, 1, i, new NoteEvent(n.Start, n.Channel + 1, MidiCommandCode.NoteOn, n.Pitch, n.Velocity)));
            // Phase 0: releases of sounding notes before this tick's note-ons; phase 2: zero-length notes after them.
            timeline.Add((n.End, n.Duration > 0 ? 0 : 2, i, new NoteEvent(n.End, n.Channel + 1, MidiCommandCode.NoteOff, n.Pitch, NoteOffVelocity)));
        }
        timeline.Sort((a, b) => (a.Tick, a.Phase, a.Order).CompareTo((b.Tick, b.Phase, b.Order)));
        foreach (var entry in timeline) events.Add(entry.Event);
    }

    private static TextEvent Text(MetaEventType type, string text, long tick) =>
        new("", type, tick) { Data = MidiText.Encode(text) }; // NAudio's own text encoding is Latin-1 only

    private static int DenominatorPower(int denominator) => System.Numerics.BitOperations.Log2((uint)denominator);
}
