using MusicCluster.Music.Midi;
using MusicCluster.Music.Pieces;
using static MusicCluster.Music.Tests.Midi.SmfBytes;

namespace MusicCluster.Music.Tests.Midi;

/// <summary>The reader on hand-made bytes: the features of the format, and exact errors for broken files.</summary>
public class MidiFileReaderTests
{
    [Fact]
    public void FormatZeroWithRunningStatusSplitsChannelsIntoTracks()
    {
        byte[] file = File(
            Header(format: 0, trackCount: 1, division: 96),
            Track(
                TrackName("Song"),
                Event(0, 0xC0, 5),                 // program 5 on channel 0
                Event(0, 0x90, 60, 100),           // C4 on
                Event(0, 64, 90),                  // running status: E4 on
                Event(96, 60, 0),                  // running status, velocity 0: C4 off
                Event(0, 64, 0),                   // E4 off
                Event(0, 0x99, 36, 127),           // bass drum on the drum channel
                Event(48, 0x89, 36, 64),           // note-off proper
                EndOfTrack(48)));

        var piece = MidiFileReader.Read(file);

        Assert.Equal(96, piece.TicksPerQuarter);
        Assert.Equal("Song", piece.Metadata.Title);
        Assert.Equal([new TrackInfo(0, "", 5, 0), new TrackInfo(1, "", 0, 9)], piece.Tracks);
        Assert.Equal([new Note(36, 96, 48, 127, 1, 9), new Note(60, 0, 96, 100, 0, 0), new Note(64, 0, 96, 90, 0, 0)],
            piece.Notes.OrderBy(n => n.Pitch));
        Assert.True(piece.Tracks[1].IsDrums);
    }

    [Fact]
    public void FormatOneReadsTheConductorTrackAndEachTrackChunk()
    {
        byte[] file = File(
            Header(format: 1, trackCount: 3, division: 480),
            Track(TrackName("Title"), Tempo(0, 500_000), TimeSignature(0, 3, 2), KeySignature(0, -2, false),
                Tempo(1440, 400_000), TimeSignature(0, 6, 3), KeySignature(0, 3, true), EndOfTrack()),
            Track(TrackName("Violin"), Event(0, 0xC2, 40), Event(0, 0x92, 76, 80), Event(480, 0x82, 76, 0), EndOfTrack()),
            Track(TrackName("Cello"), KeySignature(0, -2, false), Event(0, 0x93, 48, 70), Event(1440, 0x93, 48, 0), EndOfTrack()));

        var piece = MidiFileReader.Read(file);

        Assert.Equal("Title", piece.Metadata.Title);
        Assert.Equal([new TrackInfo(0, "Violin", 40, 2), new TrackInfo(1, "Cello", 0, 3)], piece.Tracks);
        Assert.Equal([new Note(76, 0, 480, 80, 0, 2), new Note(48, 0, 1440, 70, 1, 3)], piece.Notes);
        Assert.Equal([new TempoChange(0, 500_000), new TempoChange(1440, 400_000)], piece.Tempos);
        Assert.Equal([new TimeSignature(0, 3, 4), new TimeSignature(1440, 6, 8)], piece.TimeSignatures);
        // The cello's repeat of the key signature at tick 0 says nothing new and is dropped.
        Assert.Equal([new KeySignature(0, -2, false), new KeySignature(1440, 3, true)], piece.KeySignatures);
    }

    [Fact]
    public void AFirstChunkWithNotesIsATrackAndNotAConductor()
    {
        byte[] file = File(
            Header(format: 1, trackCount: 1, division: 480),
            Track(TrackName("Only"), Event(0, 0x90, 60, 1), Event(10, 0x80, 60, 0), EndOfTrack()));
        var piece = MidiFileReader.Read(file);
        Assert.Equal("Only", piece.Metadata.Title);
        Assert.Equal([new TrackInfo(0, "Only", 0, 0)], piece.Tracks);
        Assert.Equal([new Note(60, 0, 10, 1, 0)], piece.Notes);
    }

    [Fact]
    public void NotesOfOnePitchArePairedFirstInFirstOutPerChannel()
    {
        byte[] file = File(
            Header(format: 1, trackCount: 1, division: 480),
            Track(
                Event(0, 0x90, 60, 10),   // A on
                Event(100, 0x90, 60, 20), // B on, same pitch, A still sounding
                Event(0, 0x91, 60, 30),   // C on, same pitch on channel 1
                Event(100, 0x80, 60, 0),  // ends A (the oldest on channel 0)
                Event(100, 0x81, 60, 0),  // ends C
                Event(100, 0x80, 60, 0),  // ends B
                Event(100, 0x80, 60, 0),  // nothing sounding: ignored
                EndOfTrack()));
        var notes = MidiFileReader.Read(file).Notes;
        Assert.Equal([new Note(60, 0, 200, 10, 0, 0), new Note(60, 100, 200, 30, 0, 1), new Note(60, 100, 300, 20, 0, 0)], notes);
    }

    [Fact]
    public void NotesStillSoundingEndWithTheirTrack()
    {
        byte[] withEnd = File(Header(1, 1, 480), Track(Event(0, 0x90, 60, 64), EndOfTrack(960)));
        byte[] withoutEnd = File(Header(1, 1, 480), Track(Event(0, 0x90, 60, 64), Event(500, 0xB0, 7, 100)));
        Assert.Equal([new Note(60, 0, 960, 64, 0)], MidiFileReader.Read(withEnd).Notes);
        Assert.Equal([new Note(60, 0, 500, 64, 0)], MidiFileReader.Read(withoutEnd).Notes);
    }

    [Fact]
    public void SysExUnknownMetaEventsAndUnknownChunksAreSkipped()
    {
        byte[] file = File(
            Header(format: 1, trackCount: 1, division: 480, headerLength: 10),
            Chunk("XFIH", [1, 2, 3]),
            Track(
                Event(0, 0x90, 62, 50),
                Event(0, 0xF0, 3, 0x7E, 0x7F, 0xF7),       // SysEx
                Event(0, 0xF7, 2, 0x01, 0x02),             // SysEx escape
                Meta(0, 0x06, "marker"u8.ToArray()),
                Meta(0, 0x21, [0]),                         // port meta event
                Event(240, 62, 0),                          // running status survives SysEx and meta events
                Event(0, 0xE0, 0, 64),                      // pitch bend
                Event(0, 0xD0, 5),                          // channel pressure
                EndOfTrack()),
            "trailing bytes after the declared tracks"u8.ToArray());
        Assert.Equal([new Note(62, 0, 240, 50, 0)], MidiFileReader.Read(file).Notes);
    }

    [Fact]
    public void TextIsUtf8WhenValidAndLatin1Otherwise()
    {
        byte[] file = File(Header(1, 2, 480),
            Track(TrackName("Für Elise"), Meta(0, 0x02, [0xA9, 0x20, 0x31, 0x38, 0x31, 0x30]), Meta(0, 0x01, "composer: L. v. B."u8.ToArray()), EndOfTrack()),
            Track(Meta(0, 0x03, [0x46, 0xFC, 0x72]), EndOfTrack()));
        var piece = MidiFileReader.Read(file);
        Assert.Equal("Für Elise", piece.Metadata.Title);
        Assert.Equal("© 1810", piece.Metadata.Copyright);
        Assert.Equal("L. v. B.", piece.Metadata.Composer);
        Assert.Equal("Für", piece.Tracks.Single().Name);
    }

    [Fact]
    public void ZeroTracksIsAnEmptyPiece()
    {
        var piece = MidiFileReader.Read(Header(format: 1, trackCount: 0, division: 480));
        Assert.Empty(piece.Notes);
        Assert.Empty(piece.Tracks);
    }

    public static TheoryData<string, byte[], long, string> BrokenFiles()
    {
        byte[] good = File(Header(1, 1, 480), Track(Event(0, 0x90, 60, 64), Event(480, 0x80, 60, 0), EndOfTrack()));
        var data = new TheoryData<string, byte[], long, string>
        {
            { "empty", [], 0, "not a MIDI file: expected 'MThd' at byte 0, found nothing" },
            { "RIFF", "RIFF...."u8.ToArray(), 0, "expected 'MThd' at byte 0, found 52494646" },
            { "short header", good[..10], 10, "file ends at byte 10, inside the 14-byte header" },
            { "header length 2", Patch(good, 4, 0, 0, 0, 2), 4, "header chunk length 2 at byte 4 is less than 6" },
            { "huge header", Patch(good, 4, 0x7F, 0xFF, 0xFF, 0xFF), 4, "header chunk length 2147483647 at byte 4 exceeds file size 35" },
            { "format 3", Patch(good, 8, 0, 3), 8, "MIDI file format 3 at byte 8 is unknown" },
            { "format 0, two tracks", Patch(good, 8, 0, 0, 0, 2), 10, "format 0 file declares 2 track chunks at byte 10" },
            { "SMPTE", Patch(good, 12, 0xE7, 0x28), 12, "SMPTE time division 0xE728 at byte 12 is not supported" },
            { "division 0", Patch(good, 12, 0, 0), 12, "ticks per quarter note at byte 12 is 0" },
            { "missing track", Patch(good, 10, 0, 2), 35, "file ends at byte 35 after 1 of the 2 track chunks its header declares" },
            { "chunk too long", Patch(good, 18, 0, 1, 0x86, 0x9F), 18, "track 0 chunk length 99999 at byte 18 exceeds file size 35" },
            { "not a chunk", Patch(good, 14, 0, 1, 2, 3), 14, "expected a chunk type ('MTrk') at byte 14 for track 0, found bytes 00010203" },
            { "truncated chunk", good[..30], 18, "track 0 chunk length 13 at byte 18 exceeds file size 30" },
        };
        data.Add("long delta", Rewrite([0x80, 0x80, 0x80, 0x80, 0x00, 0x90, 60, 64]), 22,
            "delta time at byte 22 in track 0 is longer than the 4 bytes a variable-length quantity may have");
        data.Add("no running status", Rewrite([0x00, 60, 64]), 23,
            "data byte 0x3C at byte 23 in track 0 where a status byte is needed (no running status in effect)");
        data.Add("data byte too big", Rewrite([0x00, 0x90, 60, 0xC8]), 25, "data byte 0xC8 at byte 25 of a note-on in track 0 must be below 0x80");
        data.Add("cut note", Rewrite([0x00, 0x90, 60]), 24, "note-on at byte 23 in track 0 needs 2 data bytes but the chunk ends at byte 25");
        data.Add("real-time byte", Rewrite([0x00, 0xF8]), 23, "status byte 0xF8 at byte 23 in track 0 is a live-MIDI message");
        data.Add("SysEx too long", Rewrite([0x00, 0xF0, 0xFF, 0xFF, 0xFF, 0x7F, 1]), 24,
            "SysEx length 268435455 at byte 24 in track 0 runs past the end of the chunk at byte 29");
        data.Add("meta too long", Rewrite([0x00, 0xFF, 0x01, 0x10, 0x41]), 25, "meta event 0x01 length 16 at byte 25 in track 0 runs past the end of the chunk at byte 27");
        data.Add("meta without type", Rewrite([0x00, 0xFF]), 24, "meta event at byte 23 in track 0 has no type byte");
        data.Add("tempo length 2", Rewrite([0x00, 0xFF, 0x51, 0x02, 1, 2]), 25, "tempo event at byte 23 in track 0 has length 2; it must be 3");
        data.Add("tempo 0", Rewrite([0x00, 0xFF, 0x51, 0x03, 0, 0, 0]), 26, "tempo at byte 26 in track 0 is 0 microseconds per quarter note");
        data.Add("time signature 0/4", Rewrite([0x00, 0xFF, 0x58, 4, 0, 2, 24, 8]), 26, "time signature at byte 26 in track 0 has numerator 0");
        data.Add("time signature 4/2^9", Rewrite([0x00, 0xFF, 0x58, 4, 4, 9, 24, 8]), 27, "has denominator 2^9; at most 2^7 is supported");
        data.Add("key with 9 sharps", Rewrite([0x00, 0xFF, 0x59, 2, 9, 0]), 26, "key signature at byte 26 in track 0 has 9 sharps");
        data.Add("key mode 2", Rewrite([0x00, 0xFF, 0x59, 2, 0, 2]), 27, "has mode 2; 0 (major) or 1 (minor) expected");
        data.Add("end-of-track with data", Rewrite([0x00, 0xFF, 0x2F, 1, 0]), 25, "end-of-track event at byte 23 in track 0 has length 1; it must be 0");
        data.Add("delta at chunk end", Rewrite([0x00, 0x90, 60, 64, 0x81]), 26, "delta time at byte 26 in track 0 runs past the end of the chunk at byte 27");
        data.Add("event missing", Rewrite([0x00, 0x90, 60, 64, 0x00]), 27, "track 0 chunk ends at byte 27 after a delta time, before its event");
        return data;
    }

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void BrokenFilesFailWithTheByteAndTheReason(string name, byte[] file, long expectedOffset, string expectedProblem)
    {
        var error = Assert.Throws<MidiFormatException>(() => MidiFileReader.Read(file));
        Assert.True(error.ByteOffset == expectedOffset, $"{name}: offset {error.ByteOffset}, expected {expectedOffset} ({error.Message})");
        Assert.Contains(expectedProblem, error.Problem);
    }

    [Fact]
    public void ProvenanceThatIsNotJsonIsAFormatError()
    {
        byte[] block = [0x7D, .. "MusicCluster.Provenance/1\0"u8.ToArray(), .. "{not json"u8.ToArray()];
        byte[] file = File(Header(1, 1, 480), Track(Meta(0, 0x7F, block), EndOfTrack()));
        var error = Assert.Throws<MidiFormatException>(() => MidiFileReader.Read(file));
        Assert.Equal(14 + 8 + 4 + 27, error.ByteOffset);
        Assert.Contains("is not valid provenance JSON", error.Problem);
    }

    [Fact]
    public void ReadFileNamesTheFileInItsError()
    {
        string path = Path.Combine(RepositoryPaths.NewTempFolder("midi-read"), "broken.mid");
        System.IO.File.WriteAllBytes(path, Header(1, 2, 480));
        var error = Assert.Throws<MidiFormatException>(() => MidiFileReader.ReadFile(path));
        Assert.Equal(path, error.FileName);
        Assert.StartsWith($"{path}: file ends at byte 14", error.Message);
    }

    [Fact]
    public void StreamsAndFilesLargerThanTheLimitAreRefused()
    {
        byte[] file = File(Header(1, 1, 480), Track(Event(0, 0x90, 60, 64), EndOfTrack(10)));
        Assert.Single(MidiFileReader.Read(new MemoryStream(file), maxFileBytes: file.Length).Notes);
        var error = Assert.Throws<MidiFormatException>(() => MidiFileReader.Read(new MemoryStream(file), maxFileBytes: file.Length - 1));
        Assert.Contains($"larger than the limit of {file.Length - 1} bytes", error.Message);
        string path = Path.Combine(RepositoryPaths.NewTempFolder("midi-read"), "big.mid");
        System.IO.File.WriteAllBytes(path, file);
        Assert.Throws<MidiFormatException>(() => MidiFileReader.ReadFile(path, maxFileBytes: 20));
    }

    /// <summary>A copy with bytes replaced from an offset.</summary>
    private static byte[] Patch(byte[] file, int offset, params byte[] bytes)
    {
        var copy = file.ToArray();
        bytes.CopyTo(copy, offset);
        return copy;
    }

    /// <summary>A one-track format 1 file (division 480) whose track chunk holds exactly these bytes, at byte 22.</summary>
    private static byte[] Rewrite(params byte[][] trackBody) => File(Header(1, 1, 480), Chunk("MTrk", trackBody.SelectMany(b => b).ToArray()));
}
