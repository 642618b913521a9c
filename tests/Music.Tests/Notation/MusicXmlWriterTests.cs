using System.Xml.Linq;
using MusicCluster.Music.Notation;
using MusicCluster.Music.Pieces;
using NAudio.Midi;

namespace MusicCluster.Music.Tests.Notation;

public class MusicXmlWriterTests
{
    public static TheoryData<string> PieceNames => new() { nameof(TestPieces.CMajorScale), nameof(TestPieces.GMajorMelody), nameof(TestPieces.TwoTracksWithVoices),
        nameof(TestPieces.Syncopated), nameof(TestPieces.MidBarTimeChange), nameof(TestPieces.Piano), "Random:7" };

    private static Piece ByName(string name) => name switch
    {
        nameof(TestPieces.CMajorScale) => TestPieces.CMajorScale(),
        nameof(TestPieces.GMajorMelody) => TestPieces.GMajorMelody(),
        nameof(TestPieces.TwoTracksWithVoices) => TestPieces.TwoTracksWithVoices(),
        nameof(TestPieces.Syncopated) => TestPieces.Syncopated(),
        nameof(TestPieces.MidBarTimeChange) => TestPieces.MidBarTimeChange(),
        nameof(TestPieces.Piano) => TestPieces.Piano(),
        _ when name.StartsWith("Random:", StringComparison.Ordinal) => TestPieces.Random(int.Parse(name[7..])),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(PieceNames))]
    public void EveryVoiceOfEveryMeasureFillsItsBar(string name)
    {
        Piece piece = ByName(name);
        XDocument document = MusicXmlWriter.ToDocument(piece);
        var parts = document.Root!.Elements("part").ToList();
        Assert.Equal(Math.Max(1, piece.Notes.Select(n => n.Track).Distinct().Count()), parts.Count);
        int measureCount = parts[0].Elements("measure").Count();
        Assert.All(parts, p => Assert.Equal(measureCount, p.Elements("measure").Count()));

        foreach (XElement part in parts)
        {
            int divisions = (int)part.Descendants("divisions").Single();
            int staves = (int?)part.Descendants("staves").SingleOrDefault() ?? 1;
            int beats = 4, beatType = 4;
            foreach (XElement measure in part.Elements("measure"))
            {
                XElement? time = measure.Element("attributes")?.Element("time");
                if (time is not null) { beats = (int)time.Element("beats")!; beatType = (int)time.Element("beat-type")!; }
                int barLength = beats * divisions * 4 / beatType;
                var perVoice = new Dictionary<int, int>();
                var stavesWritten = new HashSet<int>();
                int position = 0;
                foreach (XElement child in measure.Elements())
                {
                    if (child.Name == "backup") { Assert.Equal(barLength, (int)child.Element("duration")!); position -= (int)child.Element("duration")!; }
                    if (child.Name != "note" || child.Element("chord") is not null) continue;
                    int voice = (int)child.Element("voice")!;
                    int duration = (int)child.Element("duration")!;
                    perVoice[voice] = perVoice.GetValueOrDefault(voice) + duration;
                    stavesWritten.Add((int?)child.Element("staff") ?? 1);
                    position += duration;
                }
                // Each staff shows every bar: a voice that plays there, or a bar of rest where none does.
                Assert.True(stavesWritten.SetEquals(Enumerable.Range(1, staves)),
                    $"measure {measure.Attribute("number")} of {part.Attribute("id")} writes staves {string.Join(",", stavesWritten)} of {staves}");
                Assert.All(perVoice, kv => Assert.True(kv.Value == barLength,
                    $"{part.Attribute("id")} measure {measure.Attribute("number")} voice {kv.Key}: {kv.Value} divisions, bar is {barLength}"));
            }
        }
    }

    [Fact]
    public void RandomPiecesAlwaysFillTheirBarsAndKeepEveryNote()
    {
        for (int seed = 0; seed < 40; seed++)
        {
            Piece piece = TestPieces.Random(seed);
            EveryVoiceOfEveryMeasureFillsItsBar("Random:" + seed);
            XDocument document = MusicXmlWriter.ToDocument(piece);
            int sounded = document.Descendants("note").Count(n => n.Element("pitch") is not null && n.Elements("tie").All(t => (string?)t.Attribute("type") != "stop"));
            // Notes of one pitch that overlap in a track merge into one sounding note at most; none may be lost otherwise.
            Assert.Equal(piece.Notes.Count, sounded);
        }
    }

    [Fact]
    public void AKeyChangeIsWrittenAtItsBarAndRespellsNotes()
    {
        // Bar 1 in F major, bar 2 in D major: pitch 70 is Bb in bar 1; pitch 66 is F# in bar 2.
        Piece piece = TestPieces.Make([TestPieces.Q(70, 0, 4), TestPieces.Q(66, 4, 4)], sharps: -1) with
        {
            KeySignatures = [new KeySignature(0, -1, false), new KeySignature(4 * TestPieces.Tpq, 2, false)],
        };
        var measures = MusicXmlWriter.ToDocument(piece).Root!.Element("part")!.Elements("measure").ToList();
        Assert.Equal([-1, 2], measures.Select(m => (int)m.Descendants("fifths").Single()));
        Assert.Equal(("B", -1), (measures[0].Descendants("step").Single().Value, (int)measures[0].Descendants("alter").Single()));
        Assert.Equal(("F", 1), (measures[1].Descendants("step").Single().Value, (int)measures[1].Descendants("alter").Single()));
    }

    [Fact]
    public void ABarCutShortByATimeChangeGetsASignatureOfItsLength()
    {
        var measures = MusicXmlWriter.ToDocument(TestPieces.MidBarTimeChange()).Root!.Element("part")!.Elements("measure").ToList();
        var times = measures.Select(m => m.Element("attributes")?.Element("time")).Select(t => t is null ? ""
            : $"{t.Element("beats")!.Value}/{t.Element("beat-type")!.Value}").ToList();
        Assert.Equal(["2/4", "3/4", "", ""], times);
    }

    [Fact]
    public void AccidentalsAreShownAsEngravingRulesSay()
    {
        // G major: F#4 (in the key: none), F4 (natural), F4 again (none: the natural holds), F#4 (sharp again),
        // then in bar 2 F#4 (none: the bar line cancels), C#5 (sharp) held into bar 3 (none on the tied note).
        Piece piece = TestPieces.Make([TestPieces.Q(66, 0, 1), TestPieces.Q(65, 1, 1), TestPieces.Q(65, 2, 1), TestPieces.Q(66, 3, 1),
            TestPieces.Q(66, 4, 1), TestPieces.Q(73, 7, 2)], sharps: 1);
        var notes = MusicXmlWriter.ToDocument(piece).Descendants("note").Where(n => n.Element("pitch") is not null)
            .Select(n => (string?)n.Element("accidental")).ToList();
        Assert.Equal([null, "natural", null, "sharp", null, "sharp", null], notes);
    }

    [Fact]
    public void AWideRangeTrackIsWrittenOnAGrandStaff()
    {
        XElement part = MusicXmlWriter.ToDocument(TestPieces.Piano()).Root!.Element("part")!;
        Assert.Equal(2, (int)part.Descendants("staves").Single());
        Assert.Equal(["G", "F"], part.Descendants("clef").Select(c => c.Element("sign")!.Value));
        var pitched = part.Descendants("note").Where(n => n.Element("pitch") is not null).ToList();
        // Middle C and above on the upper staff, below it on the lower one.
        Assert.All(pitched, n => Assert.Equal((int)n.Element("pitch")!.Element("octave")! >= 4 ? 1 : 2, (int)n.Element("staff")!));
        // Both staves fill every bar, so the lower staff shows its rests too.
        foreach (XElement measure in part.Elements("measure"))
            Assert.Equal([1, 2], measure.Elements("note").Select(n => (int)n.Element("staff")!).Distinct().Order());
    }

    [Fact]
    public void AnEmptyPieceIsOneBarOfRest()
    {
        XDocument document = MusicXmlWriter.ToDocument(new Piece());
        XElement measure = Assert.Single(document.Root!.Element("part")!.Elements("measure"));
        XElement rest = Assert.Single(measure.Elements("note"));
        Assert.Equal("yes", rest.Element("rest")!.Attribute("measure")!.Value);
        Assert.Equal(64, (int)rest.Element("duration")!);
    }

    [Theory]
    [InlineData(73, 2, "C", 1, 5)]   // C#5 in D major
    [InlineData(68, -3, "A", -1, 4)] // Ab4 in Eb major
    [InlineData(59, -6, "C", -1, 4)] // Cb4 in Gb major: the octave follows the letter
    [InlineData(72, 7, "B", 1, 4)]   // B#4 in C# major
    [InlineData(70, 0, "A", 1, 4)]   // a chromatic note in C major: sharp
    [InlineData(66, -1, "G", -1, 4)] // and in F major: flat
    [InlineData(65, 1, "F", 0, 4)]   // a white key outside the key is a natural: F in G major, not E#
    [InlineData(71, -1, "B", 0, 4)]  // B in F major, not Cb
    public void PitchesAreSpelledInTheKey(int pitch, int sharps, string step, int alter, int octave)
    {
        SpelledPitch spelled = PitchSpeller.Spell(pitch, new KeySignature(0, sharps, false));
        Assert.Equal((step[0], alter, octave), (spelled.Step, spelled.Alter, spelled.Octave));
    }

    [Fact]
    public void TheLeadingToneOfAMinorKeyIsRaised()
    {
        // C# in D minor (one flat) is the raised seventh, not Db.
        SpelledPitch spelled = PitchSpeller.Spell(61, new KeySignature(0, -1, true));
        Assert.Equal(('C', 1), (spelled.Step, spelled.Alter));
    }

    [Fact]
    public void NotesAcrossBarLinesAreTiedAndOddLengthsSplit()
    {
        XDocument document = MusicXmlWriter.ToDocument(TestPieces.TwoTracksWithVoices());
        var part = document.Root!.Elements("part").First();
        // F5 (77) from beat 4 of bar 1 lasts two quarters: a quarter in bar 1 tied to a quarter in bar 2.
        var f5 = part.Descendants("note").Where(n => (string?)n.Element("pitch")?.Element("step") == "F" && (int?)n.Element("pitch")?.Element("octave") == 5).ToList();
        Assert.Equal(2, f5.Count);
        Assert.Equal("start", f5[0].Element("tie")!.Attribute("type")!.Value);
        Assert.Equal("stop", f5[1].Element("tie")!.Attribute("type")!.Value);
        Assert.Equal(["1", "2"], f5.Select(n => n.Parent!.Attribute("number")!.Value));
        // D5 lasts 5 sixteenths: a quarter tied to a 16th.
        var d5 = part.Descendants("note").Where(n => (string?)n.Element("pitch")?.Element("step") == "D" && (int?)n.Element("pitch")?.Element("octave") == 5).ToList();
        Assert.Equal(["quarter", "16th"], d5.Select(n => n.Element("type")!.Value));
        // The chord in bar 3: three notes, the 2nd and 3rd marked as chord members.
        var bar3 = part.Elements("measure").ElementAt(2).Elements("note").Where(n => n.Element("rest") is null).Take(3).ToList();
        Assert.Equal([false, true, true], bar3.Select(n => n.Element("chord") is not null));
        // F major: B flat is written with alter -1 and the key has one flat.
        Assert.Equal(-1, (int)part.Descendants("fifths").First());
        Assert.Contains(part.Descendants("pitch"), p => p.Element("step")!.Value == "B" && (int?)p.Element("alter") == -1);
        // The tempo change to 120 BPM is in bar 3 as a sound element.
        Assert.Equal(["90", "120"], part.Descendants("sound").Select(s => s.Attribute("tempo")!.Value));
    }

    [SkippableTheory]
    [MemberData(nameof(PieceNames))]
    public void LilyPondEngravesTheExportAndPlaysTheSameNotes(string name)
    {
        Piece piece = ByName(name);
        LilyPondEngraving engraving = LilyPondEngraving.Engrave(MusicXmlWriter.ToBytes(piece));

        // LilyPond's MIDI merges tied notes back into one: it must sound exactly the piece's notes.
        var midi = new MidiFile(engraving.MidiPath, strictChecking: false);
        var played = midi.Events.SelectMany(t => t).OfType<NoteOnEvent>().Where(e => e.Velocity > 0 && e.OffEvent is not null)
            .Select(e => e.NoteNumber).OrderBy(p => p).ToList();
        Assert.Equal(piece.Notes.Select(n => n.Pitch).OrderBy(p => p), played);
    }
}
