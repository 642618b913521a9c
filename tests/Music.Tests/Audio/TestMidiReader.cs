using MusicCluster.Music.Pieces;
using NAudio.Midi;

namespace MusicCluster.Music.Tests.Audio;

/// <summary>
/// A minimal MIDI file -> Piece reader written with NAudio for these tests only, standing in for the project's MIDI
/// reader (Music/Midi), which the convert command receives by injection.
/// </summary>
public static class TestMidiReader
{
    public static Piece Read(string path)
    {
        var file = new MidiFile(path, strictChecking: false);
        var notes = new List<Note>();
        var tempos = new List<TempoChange>();
        var times = new List<TimeSignature>();
        var keys = new List<KeySignature>();
        for (int track = 0; track < file.Tracks; track++)
            foreach (MidiEvent e in file.Events[track])
                switch (e)
                {
                    case NoteOnEvent on when on.Velocity > 0 && on.OffEvent is not null:
                        notes.Add(new Note(on.NoteNumber, on.AbsoluteTime, on.NoteLength, on.Velocity, track, on.Channel - 1));
                        break;
                    case TempoEvent tempo:
                        tempos.Add(new TempoChange(tempo.AbsoluteTime, tempo.MicrosecondsPerQuarterNote));
                        break;
                    case TimeSignatureEvent time:
                        times.Add(new TimeSignature(time.AbsoluteTime, time.Numerator, 1 << time.Denominator));
                        break;
                    case KeySignatureEvent key:
                        keys.Add(new KeySignature(key.AbsoluteTime, (sbyte)key.SharpsFlats, key.MajorMinor == 1));
                        break;
                }
        return PieceBuilder.Normalize(new Piece
        {
            TicksPerQuarter = file.DeltaTicksPerQuarterNote,
            Notes = notes,
            Tempos = tempos,
            TimeSignatures = times,
            KeySignatures = keys,
        });
    }
}
