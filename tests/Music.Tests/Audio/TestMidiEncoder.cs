using MusicCluster.Music.Pieces;
using NAudio.Midi;

namespace MusicCluster.Music.Tests.Audio;

/// <summary>
/// A small Piece -> Standard MIDI File encoder written with NAudio for these tests only: the project's own MIDI writer
/// lives in Music/Midi, and the renderers take the encoder as a delegate so they can be tested without it.
/// </summary>
public static class TestMidiEncoder
{
    public static byte[] Encode(Piece piece)
    {
        var tracks = piece.Notes.Select(n => n.Track).Concat(piece.Tracks.Select(t => t.Index)).Distinct().Order().ToList();
        var events = new MidiEventCollection(1, piece.TicksPerQuarter);
        var conductor = new List<MidiEvent>();
        foreach (TempoChange tempo in piece.Tempos) conductor.Add(new TempoEvent(tempo.MicrosecondsPerQuarter, tempo.Tick));
        foreach (TimeSignature time in piece.TimeSignatures)
            conductor.Add(new TimeSignatureEvent(time.Tick, time.Numerator, (int)Math.Log2(time.Denominator), 24, 8));
        events.AddTrack(conductor);
        foreach (int track in tracks)
        {
            TrackInfo? info = piece.Tracks.FirstOrDefault(t => t.Index == track);
            var list = new List<MidiEvent>();
            int channel = (info?.Channel ?? 0) + 1;
            list.Add(new PatchChangeEvent(0, channel, info?.Program ?? 0));
            foreach (Note note in piece.Notes.Where(n => n.Track == track))
            {
                list.Add(new NoteEvent(note.Start, note.Channel + 1, MidiCommandCode.NoteOn, note.Pitch, note.Velocity));
                list.Add(new NoteEvent(note.End, note.Channel + 1, MidiCommandCode.NoteOff, note.Pitch, 0));
            }
            events.AddTrack(list.OrderBy(e => e.AbsoluteTime).ThenBy(e => e.CommandCode == MidiCommandCode.NoteOff ? 0 : 1).ToList());
        }
        events.PrepareForExport();
        string path = Path.GetTempFileName();
        try
        {
            MidiFile.Export(path, events);
            return File.ReadAllBytes(path);
        }
        finally { File.Delete(path); }
    }
}
