using System.Xml.Linq;
using MusicCluster.Music.Notation;
using MusicCluster.Music.Pieces;
using static MusicCluster.Music.Tests.Notation.TestPieces;

namespace MusicCluster.Music.Tests.Notation;

public class ClefChooserTests
{
    /// <summary>A line moving through a range in quarters: low to high and back.</summary>
    private static IReadOnlyList<int> Line(int low, int high) =>
        Enumerable.Range(low, high - low + 1).Concat(Enumerable.Range(low, high - low).Reverse()).ToList();

    [Theory]
    [InlineData(60, 81, Clef.Treble)]           // a soprano's range
    [InlineData(64, 79, Clef.Treble)]           // a violin melody
    [InlineData(48, 67, Clef.TrebleOctaveDown)] // a tenor's range: on the treble staff it would hang below on ledger lines
    [InlineData(50, 65, Clef.TrebleOctaveDown)]
    [InlineData(36, 57, Clef.Bass)]             // a cello or bass line
    [InlineData(38, 60, Clef.Bass)]
    public void AnUnnamedPartGetsTheClefWithFewestLedgerLines(int low, int high, Clef expected)
    {
        Assert.Equal(expected, ClefChooser.ForRange(Line(low, high)));
        Assert.Equal(expected, ClefChooser.Choose("Track 3", Line(low, high)));
    }

    [Theory]
    [InlineData("Soprano", Clef.Treble)]
    [InlineData("alto", Clef.Treble)]
    [InlineData("Tenor", Clef.TrebleOctaveDown)]
    [InlineData(" Bass ", Clef.Bass)]
    public void AChoirVoiceGetsItsClefWhateverItsNotes(string name, Clef expected)
    {
        // A tenor line sitting high enough for the plain treble clef is still printed in the tenor's clef.
        Assert.Equal(expected, ClefChooser.Choose(name, Line(62, 74)));
    }

    [Fact]
    public void AnImportedTenorRangeTrackIsWrittenInTheOctaveTrebleClef()
    {
        Piece piece = Make(Line(50, 65).Select((p, i) => Q(p, i, 1)), tracks: [new TrackInfo(0, "Voice 3")]);
        XElement clef = MusicXmlWriter.ToDocument(piece).Descendants("clef").Single();
        Assert.Equal(["G", "2", "-1"], new[] { "sign", "line", "clef-octave-change" }.Select(name => clef.Element(name)!.Value));
    }

    [Fact]
    public void LedgerLinesAreCountedFromTheStaff()
    {
        // Treble staff: E4 bottom line, F5 top line. D4 hangs below without a ledger line, C4 needs one, A3 two.
        Assert.Equal([0, 0, 0, 1, 2, 0, 1], new[] { 64, 77, 62, 60, 57, 79, 81 }.Select(p => Clef.Treble.LedgerLines(p)));
        // Octave treble: the same staff an octave lower (C4 sits in the third space); bass: G2 to A3.
        Assert.Equal([0, 1, 1], new[] { 60, 48, 69 }.Select(p => Clef.TrebleOctaveDown.LedgerLines(p)));
        Assert.Equal([0, 0, 1, 1], new[] { 43, 57, 60, 40 }.Select(p => Clef.Bass.LedgerLines(p)));
    }
}
