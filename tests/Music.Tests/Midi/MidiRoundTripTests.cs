using MusicCluster.Music.Midi;
using MusicCluster.Music.Pieces;
using NAudio.Midi;

namespace MusicCluster.Music.Tests.Midi;

public class MidiRoundTripTests
{
    private const int Seeds = 300;

    [Fact]
    public void PiecesInCanonicalFormComeBackUnchanged()
    {
        for (int seed = 0; seed < Seeds; seed++)
        {
            var piece = RandomPieces.Canonical(seed);
            var back = MidiFileReader.Read(MidiFileWriter.Write(piece));
            PieceAssert.Equal(PieceBuilder.Normalize(piece), back, $"seed {seed}");
        }
    }

    [Fact]
    public void AnyPieceComesBackAsItsCanonicalForm()
    {
        for (int seed = 0; seed < Seeds; seed++)
        {
            var piece = RandomPieces.Any(seed);
            var back = MidiFileReader.Read(MidiFileWriter.Write(piece));
            PieceAssert.Equal(MidiCanonicalForm.Of(piece), back, $"seed {seed}");
        }
    }

    [Fact]
    public void AnyPieceWrittenAsFormatZeroComesBackAsItsFormatZeroCanonicalForm()
    {
        for (int seed = 0; seed < Seeds; seed++)
        {
            var piece = RandomPieces.Any(seed);
            var back = MidiFileReader.Read(MidiFileWriter.Write(piece, MidiFileFormat.SingleTrack));
            PieceAssert.Equal(MidiCanonicalForm.Of(piece, MidiFileFormat.SingleTrack), back, $"seed {seed}");
        }
    }

    [Fact]
    public void FormatZeroKeepsEverythingButTrackNamesAndTrackBoundaries()
    {
        var piece = new Piece
        {
            Notes = [new Note(60, 0, 480, 90, 0, 0), new Note(36, 0, 240, 110, 1, 9), new Note(62, 480, 480, 91, 2, 0)],
            Tempos = [new TempoChange(0, 400_000)],
            TimeSignatures = [new TimeSignature(0, 2, 4)],
            KeySignatures = [new KeySignature(0, 2, false)],
            Tracks = [new TrackInfo(0, "Organ", 19, 0), new TrackInfo(1, "Drums", 0, 9), new TrackInfo(2, "Piano", 0, 0)],
            Metadata = new PieceMetadata { Title = "Zero", Composer = "C", Copyright = "R" },
        };
        var back = MidiFileReader.Read(MidiFileWriter.Write(piece, MidiFileFormat.SingleTrack));
        PieceAssert.Equal(piece with
        {
            // Tracks 0 and 2 share channel 0: they become one track, with the first program given for the channel.
            Notes = [new Note(60, 0, 480, 90, 0, 0), new Note(36, 0, 240, 110, 1, 9), new Note(62, 480, 480, 91, 0, 0)],
            Tracks = [new TrackInfo(0, "", 19, 0), new TrackInfo(1, "", 0, 9)],
        }, back);
        var file = new MidiFile(new MemoryStream(MidiFileWriter.Write(piece, MidiFileFormat.SingleTrack)), strictChecking: true);
        Assert.Equal(0, file.FileFormat);
        Assert.Equal(1, file.Tracks);
    }

    [Fact]
    public void TheCanonicalFormOfACanonicalPieceIsThePieceItself()
    {
        for (int seed = 0; seed < Seeds; seed++)
        {
            var piece = RandomPieces.Canonical(seed);
            PieceAssert.Equal(PieceBuilder.Normalize(piece), MidiCanonicalForm.Of(piece), $"seed {seed}");
        }
    }

    [Fact]
    public void RandomPiecesExerciseTheHardCases()
    {
        // Guards the generator: if it stopped producing these, the properties above would test less than they claim.
        var pieces = Enumerable.Range(0, Seeds).Select(RandomPieces.Any).ToList();
        Assert.Contains(pieces, p => p.Notes.Any(n => n.Duration == 0));
        Assert.Contains(pieces, p => p.Notes.Any(n => n.IsDrum));
        Assert.Contains(pieces, p => p.Metadata.Provenance is not null && p.Metadata.Composer is not null);
        Assert.Contains(pieces, p => p.Notes.Any(n => p.Tracks.All(t => t.Index != n.Track)));
        Assert.Contains(pieces, p => p.Tempos.Count > 1 && p.Tempos.Distinct().Count() < p.Tempos.Count);
        Assert.Contains(pieces, p => !PiecesEqual(MidiCanonicalForm.Of(p), PieceBuilder.Normalize(p)));
        var canonical = Enumerable.Range(0, Seeds).Select(RandomPieces.Canonical).ToList();
        Assert.Contains(canonical, p => p.Notes.Any(a => p.Notes.Any(b =>
            a != b && a.Track == b.Track && a.Channel == b.Channel && a.Pitch == b.Pitch && a.Start < b.Start && b.Start < a.End)));
    }

    [Fact]
    public void TheReaderReturnsPiecesInPieceBuilderOrder()
    {
        // The reader sorts notes itself (faster than PieceBuilder.Normalize); both orders must stay the same.
        for (int seed = 0; seed < Seeds; seed++)
        {
            var format = seed % 2 == 0 ? MidiFileFormat.MultiTrack : MidiFileFormat.SingleTrack;
            var read = MidiFileReader.Read(MidiFileWriter.Write(RandomPieces.Any(seed), format));
            PieceAssert.Equal(PieceBuilder.Normalize(read), read, $"seed {seed}");
        }
    }

    [Fact]
    public void OverlappingNotesOfOnePitchEndInTheOrderTheyStarted()
    {
        // A long note with a short one inside it: MIDI cannot tell which note-off belongs to which note-on.
        var piece = new Piece
        {
            Notes = [new Note(60, 0, 960, 100, 0), new Note(60, 480, 240, 50, 0)],
            Tracks = [new TrackInfo(0, "Piano")],
        };
        var back = MidiFileReader.Read(MidiFileWriter.Write(piece));
        Assert.Equal([new Note(60, 0, 720, 100, 0), new Note(60, 480, 480, 50, 0)], back.Notes);
    }

    [Fact]
    public void RepeatedNotesZeroLengthNotesAndDrumsRoundTrip()
    {
        var piece = PieceBuilder.Normalize(new Piece
        {
            TicksPerQuarter = 96,
            Notes =
            [
                new Note(64, 0, 96, 80, 0), new Note(64, 96, 96, 81, 0), new Note(64, 96, 0, 82, 0), new Note(64, 192, 0, 83, 0),
                new Note(36, 0, 48, 120, 1, 9), new Note(42, 0, 24, 90, 1, 9), new Note(42, 48, 24, 70, 1, 9),
            ],
            Tempos = [new TempoChange(0, 500_000), new TempoChange(192, 600_000)],
            TimeSignatures = [new TimeSignature(0, 3, 4), new TimeSignature(288, 6, 8)],
            KeySignatures = [new KeySignature(0, -3, true)],
            Tracks = [new TrackInfo(0, "Vibraphone", 11, 0), new TrackInfo(1, "Drums", 0, 9)],
            Metadata = new PieceMetadata { Title = "Études", Composer = "Anonymous", Copyright = "© nobody" },
        });
        var back = MidiFileReader.Read(MidiFileWriter.Write(piece));
        PieceAssert.Equal(piece, back);
        Assert.True(back.Tracks[1].IsDrums);
    }

    [Fact]
    public void ProvenanceRoundTrips()
    {
        var provenance = new Provenance
        {
            ModelId = "jsb-small",
            CheckpointId = "step-1200",
            Seed = 42,
            Parameters = new Dictionary<string, string> { ["temperature"] = "0.9", ["top-k"] = "20" },
            CreatedAt = new DateTimeOffset(2026, 11, 26, 7, 30, 0, TimeSpan.FromHours(1)).AddTicks(1234567),
            Author = "MusicCluster",
            Adviser = "A. Adviser",
            Organisation = "Org",
            Licence = "CC BY 4.0",
        };
        var piece = new Piece { Metadata = new PieceMetadata { Title = "Generated", Provenance = provenance } };
        var back = MidiFileReader.Read(MidiFileWriter.Write(piece));
        PieceAssert.Equal(piece, back);
    }

    [Fact]
    public void WrittenFilesPassNAudiosStrictReader()
    {
        // A second, independent implementation agrees that the files are well formed.
        for (int seed = 0; seed < 100; seed++)
        {
            var piece = RandomPieces.Any(seed);
            var file = new MidiFile(new MemoryStream(MidiFileWriter.Write(piece)), strictChecking: true);
            var canonical = MidiCanonicalForm.Of(piece);
            Assert.Equal(1, file.FileFormat);
            Assert.Equal(piece.TicksPerQuarter, file.DeltaTicksPerQuarterNote);
            Assert.Equal(canonical.Tracks.Count + 1, file.Tracks);
            int noteOns = file.Events.Sum(track => track.Count(MidiEvent.IsNoteOn));
            Assert.Equal(piece.Notes.Count, noteOns);
        }
    }

    [Fact]
    public void WritingToAStreamOrFileGivesTheSameBytes()
    {
        var piece = RandomPieces.Canonical(7);
        byte[] bytes = MidiFileWriter.Write(piece);
        using var stream = new MemoryStream();
        MidiFileWriter.Write(piece, stream);
        Assert.Equal(bytes, stream.ToArray());
        string path = Path.Combine(RepositoryPaths.NewTempFolder("midi-write"), "piece.mid");
        MidiFileWriter.WriteFile(piece, path);
        Assert.Equal(bytes, File.ReadAllBytes(path));
        PieceAssert.Equal(PieceBuilder.Normalize(piece), MidiFileReader.ReadFile(path));
    }

    public static TheoryData<string, Piece> PiecesMidiCannotHold => new()
    {
        { "pitch is outside 0-127", new Piece { Notes = [new Note(128, 0, 1, 64, 0)] } },
        { "velocity 0 is outside 1-127", new Piece { Notes = [new Note(60, 0, 1, 0, 0)] } },
        { "channel 16 is outside 0-15", new Piece { Notes = [new Note(60, 0, 1, 64, 0, 16)] } },
        { "must not be negative", new Piece { Notes = [new Note(60, 5, -1, 64, 0)] } },
        { "after the last writable tick", new Piece { Notes = [new Note(60, 0x0FFFFFFF, 1, 64, 0)] } },
        { "TicksPerQuarter 0", new Piece { TicksPerQuarter = 0 } },
        { "TicksPerQuarter 32768", new Piece { TicksPerQuarter = 32768 } },
        { "Tempos[0]: 0 microseconds", new Piece { Tempos = [new TempoChange(0, 0)] } },
        { "denominator 3 is not a power of two", new Piece { TimeSignatures = [new TimeSignature(0, 3, 3)] } },
        { "numerator 0", new Piece { TimeSignatures = [new TimeSignature(0, 0, 4)] } },
        { "8 sharps", new Piece { KeySignatures = [new KeySignature(0, 8, false)] } },
        { "index 1 appears twice", new Piece { Tracks = [new TrackInfo(1, "a"), new TrackInfo(1, "b")] } },
        { "program 128", new Piece { Tracks = [new TrackInfo(0, "a", 128)] } },
    };

    [Theory]
    [MemberData(nameof(PiecesMidiCannotHold))]
    public void TheWriterRefusesWhatMidiCannotHoldAndSaysWhy(string expectedReason, Piece piece)
    {
        var error = Assert.Throws<ArgumentException>(() => MidiFileWriter.Write(piece));
        Assert.Contains(expectedReason, error.Message);
    }

    private static bool PiecesEqual(Piece a, Piece b)
    {
        try
        {
            PieceAssert.Equal(a, b);
            return true;
        }
        catch (Xunit.Sdk.XunitException)
        {
            return false;
        }
    }
}
