using System.Xml.Linq;
using MusicCluster.Music.Notation;
using MusicCluster.Music.Pieces;
using static MusicCluster.Music.Tests.Notation.TestPieces;

namespace MusicCluster.Music.Tests.Notation;

/// <summary>Imported MIDI: a track whose notes overlap is split into as few voices as it needs.</summary>
public class VoiceSeparatorTests
{
    private static NotatedPart OnlyPart(IEnumerable<Note> notes) => Assert.Single(NotationScore.From(Make(notes)).Parts);

    [Fact]
    public void OverlappingNotesGetAsManyVoicesAsSoundAtOnce()
    {
        // A held C4 under a melody, and a G4 entering under the melody's third note: three notes sound together
        // on beat 3, never more.
        NotatedPart part = OnlyPart([
            Q(60, 0, 4),
            Q(76, 0, 1), Q(74, 1, 1), Q(72, 2, 1), Q(71, 3, 1),
            Q(67, 2, 2),
        ]);
        Assert.Equal(3, part.Voices.Count);
        // Highest first, and each voice a line of its own.
        Assert.Equal([[76, 74, 72, 71], [67], [60]], part.Voices.Select(v => v.Chords.Select(c => c.Pitches.Single()).ToArray()));
    }

    [Fact]
    public void AMonophonicTrackStaysOneVoiceAndNotesStartingTogetherAreAChord()
    {
        NotatedPart part = OnlyPart([Q(60, 0, 1), Q(64, 0, 1), Q(67, 0, 1), Q(62, 1, 0.5), Q(64, 1.5, 2.5)]);
        NotatedVoice voice = Assert.Single(part.Voices);
        Assert.Equal([[60, 64, 67], [62], [64]], voice.Chords.Select(c => c.Pitches.ToArray()));
    }

    [Fact]
    public void AMomentOfLegatoOverlapIsNotASecondVoice()
    {
        // Played MIDI: each note is held a 64th (one notation unit) into the next. A 64th-note overlap is legato
        // playing; a quarter's overlap is a second voice.
        const double sixtyFourth = 1.0 / 16;
        NotatedPart legato = OnlyPart([Q(60, 0, 1 + sixtyFourth), Q(62, 1, 1 + sixtyFourth), Q(64, 2, 1)]);
        NotatedVoice voice = Assert.Single(legato.Voices);
        Assert.Equal([NotationScore.UnitsPerQuarter, NotationScore.UnitsPerQuarter, NotationScore.UnitsPerQuarter], voice.Chords.Select(c => c.Duration));

        Assert.Equal(2, OnlyPart([Q(60, 0, 2), Q(62, 1, 1)]).Voices.Count);
    }

    [Fact]
    public void RandomTracksGetExactlyTheMostChordsSoundingAtOnce()
    {
        // On an eighth-note grid (no overlap is short enough to count as legato), the number of voices must equal the
        // largest number of distinct (start, end) chords sounding at one moment, and no voice may hold overlapping chords.
        // Pitches stay within two octaves, so the track is one staff (a wider one could become a grand staff).
        for (int seed = 0; seed < 60; seed++)
        {
            var random = new Random(seed);
            var notes = Enumerable.Range(0, 24)
                .Select(_ => Q(55 + random.Next(24), random.Next(32) / 2.0, (1 + random.Next(8)) / 2.0))
                .DistinctBy(n => (n.Pitch, n.Start)).ToList();
            NotatedPart part = OnlyPart(notes);

            var chords = notes.Select(n => (n.Start, n.End)).Distinct().ToList();
            int mostAtOnce = chords.Max(c => chords.Count(other => other.Start <= c.Start && c.Start < other.End));
            Assert.True(mostAtOnce == part.Voices.Count, $"seed {seed}: {part.Voices.Count} voices for at most {mostAtOnce} chords at once");
            foreach (NotatedVoice voice in part.Voices)
                Assert.All(voice.Chords.Zip(voice.Chords.Skip(1)), pair => Assert.True(pair.First.End <= pair.Second.Start, $"seed {seed}: overlap in a voice"));
            Assert.Equal(notes.Count, part.Voices.Sum(v => v.Chords.Sum(c => c.Pitches.Count)));
        }
    }

    [Fact]
    public void VoicesSharingABarAreKeptApartByStemsAndRestPositions()
    {
        // Bar 1: a melody over a held note that enters on beat 2; bar 2: the melody alone.
        Piece piece = Make([Q(72, 0, 1), Q(74, 1, 1), Q(76, 2, 2), Q(60, 1, 3), Q(79, 4, 4)], tracks: [new TrackInfo(0, "Right hand")]);
        var measures = MusicXmlWriter.ToDocument(piece).Root!.Element("part")!.Elements("measure").ToList();

        var bar1 = measures[0].Elements("note").ToList();
        Assert.All(bar1.Where(n => (int)n.Element("voice")! == 1 && n.Element("pitch") is not null), n => Assert.Equal("up", n.Element("stem")!.Value));
        Assert.All(bar1.Where(n => (int)n.Element("voice")! == 2 && n.Element("pitch") is not null), n => Assert.Equal("down", n.Element("stem")!.Value));
        // The lower voice's rest on beat 1 sits on the treble staff's bottom line (E4), clear of the melody above it.
        XElement rest = Assert.Single(bar1, n => n.Element("rest") is not null);
        Assert.Equal("2", rest.Element("voice")!.Value);
        Assert.Equal(("E", 4), (rest.Element("rest")!.Element("display-step")!.Value, (int)rest.Element("rest")!.Element("display-octave")!));

        // Alone in bar 2, the melody is written plainly, and the silent lower voice is left out.
        var bar2 = measures[1].Elements("note").ToList();
        Assert.Equal(["1"], bar2.Select(n => n.Element("voice")!.Value).Distinct());
        Assert.Empty(bar2.Descendants("stem"));
        Assert.Empty(measures[1].Elements("backup"));
    }

    [Fact]
    public void AnUpperVoiceRestsHighAndAnInnerVoiceRestsAreNotPrinted()
    {
        // Three voices in one bar on a treble staff: a top line entering on beat 2, a middle line on beats 1-2 and 4
        // (resting on beat 3), a held C4 below.
        Piece piece = Make([Q(76, 1, 3), Q(67, 0, 2), Q(65, 3, 1), Q(60, 0, 4)], tracks: [new TrackInfo(0, "Organ")]);
        XElement part = MusicXmlWriter.ToDocument(piece).Root!.Element("part")!;
        var rests = part.Descendants("note").Where(n => n.Element("rest") is not null)
            .Select(n => (Voice: (int)n.Element("voice")!, Printed: (string?)n.Attribute("print-object") != "no",
                Step: (string?)n.Element("rest")!.Element("display-step"), Octave: (int?)n.Element("rest")!.Element("display-octave")))
            .ToList();
        // The top voice's rest on beat 1 sits on the top line of the treble staff (F5); the middle voice's rest on
        // beat 3 would have no free place between the other two voices, so it is not printed.
        Assert.Equal([(1, true, "F", 5), (2, false, null, null)], rests);
        Assert.Equal(3, part.Descendants("voice").Select(v => v.Value).Distinct().Count());
    }
}
