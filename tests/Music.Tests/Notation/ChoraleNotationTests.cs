using System.Text.RegularExpressions;
using System.Xml.Linq;
using MusicCluster.Music.Midi;
using MusicCluster.Music.Notation;
using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Tests.Notation;

/// <summary>A four-part chorale, as the default model writes one, printed as a vocal score: a staff per voice.</summary>
public class ChoraleNotationTests
{
    private static readonly string[] VoiceNames = ["Soprano", "Alto", "Tenor", "Bass"];

    /// <summary>A part's clef as (sign, line, octave change).</summary>
    private static (string Sign, int Line, int OctaveChange) ClefOf(XElement part)
    {
        XElement clef = part.Descendants("clef").Single();
        return (clef.Element("sign")!.Value, (int)clef.Element("line")!, (int?)clef.Element("clef-octave-change") ?? 0);
    }

    [Fact]
    public void EachVoiceIsAPartNamedAfterItWithItsClef()
    {
        XElement score = MusicXmlWriter.ToDocument(TestPieces.FourPartChorale()).Root!;

        Assert.Equal(VoiceNames, score.Element("part-list")!.Elements("score-part").Select(p => p.Element("part-name")!.Value));
        var parts = score.Elements("part").ToList();
        Assert.Equal(4, parts.Count);
        Assert.Equal([("G", 2, 0), ("G", 2, 0), ("G", 2, -1), ("F", 4, 0)], parts.Select(ClefOf));
        Assert.All(parts, part => Assert.Empty(part.Descendants("staves")));
    }

    [Fact]
    public void EachVoiceIsOneMusicXmlVoiceSoRestsNeverShareAStaff()
    {
        XElement score = MusicXmlWriter.ToDocument(TestPieces.FourPartChorale()).Root!;

        foreach (XElement part in score.Elements("part"))
        {
            Assert.Equal(["1"], part.Descendants("voice").Select(v => v.Value).Distinct());
            Assert.Empty(part.Descendants("backup"));
            // Alone on its staff, a voice's stems and rests are left where the renderer puts them.
            Assert.Empty(part.Descendants("stem"));
            Assert.Empty(part.Descendants("display-step"));
        }
        // The soprano's rest on the last beat is written as a quarter rest.
        XElement soprano = score.Elements("part").First();
        XElement rest = Assert.Single(soprano.Descendants("rest"));
        Assert.Equal("quarter", rest.Parent!.Element("type")!.Value);
    }

    [Fact]
    public void VoiceNamesSurviveTheMidiFileThePiecePageReads()
    {
        Piece stored = MidiFileReader.Read(MidiFileWriter.Write(TestPieces.FourPartChorale()));
        NotationScore score = NotationScore.From(stored);
        Assert.Equal(VoiceNames, score.Parts.Select(p => p.Name));
        Assert.Equal([Clef.Treble, Clef.Treble, Clef.TrebleOctaveDown, Clef.Bass], score.Parts.Select(p => p.Clefs.Single()));
    }

    [Fact]
    public void JianpuHasOneRowPerVoiceHighestFirst()
    {
        NotationScore score = NotationScore.From(TestPieces.FourPartChorale());
        Assert.Equal(VoiceNames, JianpuLayout.Lines(score).Select(l => l.Name));

        var svg = XDocument.Load(new MemoryStream(JianpuSvgWriter.ToBytes(TestPieces.FourPartChorale())));
        var rowNames = svg.Descendants(JianpuSvgWriter.Svg + "text").Where(t => (string?)t.Attribute("class") == "jp-line-name").Select(t => t.Value);
        Assert.Equal(VoiceNames, rowNames);
    }

    [SkippableFact]
    public void LilyPondReadsFourStavesWithTheVoicesClefsAndEngravesThem()
    {
        LilyPondEngraving engraving = LilyPondEngraving.Engrave(MusicXmlWriter.ToBytes(TestPieces.FourPartChorale()));

        // musicxml2ly writes each part's music with its clef, then a \score block that engraves a staff per part
        // named after it (and, with --midi, a second \score block for the MIDI, left out here).
        string engraved = engraving.Source.Split(@"\score")[1];
        Assert.Equal(4, Regex.Matches(engraved, @"\\new Staff\b").Count);
        var instrumentNames = Regex.Matches(engraved, @"instrumentName\s*=\s*""([^""]*)""").Select(m => m.Groups[1].Value);
        Assert.Equal(VoiceNames, instrumentNames);
        var clefs = Regex.Matches(engraving.Source, @"\\clef\s+""?([a-z_0-9]+)""?").Select(m => m.Groups[1].Value);
        Assert.Equal(["treble", "treble", "treble_8", "bass"], clefs);
    }
}
