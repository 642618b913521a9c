using System.Xml.Linq;
using MusicCluster.Music.Notation;
using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Tests.Notation;

public class JianpuSvgWriterTests
{
    private static readonly XNamespace Svg = JianpuSvgWriter.Svg;

    private static XDocument Parse(Piece piece)
    {
        using var stream = new MemoryStream(JianpuSvgWriter.ToBytes(piece));
        return XDocument.Load(stream); // throws if the SVG is not well-formed XML
    }

    private static IEnumerable<XElement> OfClass(XDocument svg, string cssClass) =>
        svg.Descendants().Where(e => ((string?)e.Attribute("class"))?.Split(' ').Contains(cssClass) == true);

    [Fact]
    public void GMajorMelodyIsWrittenAsKnownDegrees()
    {
        XDocument svg = Parse(TestPieces.GMajorMelody());
        Assert.Equal(Svg + "svg", svg.Root!.Name);
        Assert.Contains(OfClass(svg, "jp-header"), e => e.Value.Contains("1=G") && e.Value.Contains("3/4"));

        // 5 3 4 | 5 | 7, 6, 1 | 5, 6, | 1'  (comma = dot below, apostrophe = dot above)
        var notes = OfClass(svg, "jp-note").Select(e => e.Value + Octave((int)e.Attribute("data-octave")!)).ToList();
        Assert.Equal(["5", "3", "4", "5", "7,", "6,", "1", "5,", "6,", "1'"], notes);
        // Rests: beat 3 of bar 1, beat 3 of bar 2, beats 2 and 3 of bar 4.
        Assert.Equal(4, OfClass(svg, "jp-rest").Count());
        // Dashes: the half note in bar 2 (one) and the dotted half in bar 5 (two).
        Assert.Equal(3, OfClass(svg, "jp-dash").Count());
        // The dotted quarter F#4 gets one augmentation dot.
        Assert.Single(OfClass(svg, "jp-augmentation-dot"));
        // Octave dots: four low notes with one dot each, G5 with one above.
        Assert.Equal(5, OfClass(svg, "jp-octave-dot").Count());
        // Underlines: the eighths B4, C5, E4, D4, E4.
        Assert.Equal(5, OfClass(svg, "jp-underline").Count());
        // Five bars: a line where each system starts, one after every bar and the thick final one.
        int systems = OfClass(svg, "jp-line-name").Count();
        Assert.Equal(systems + 5 + 1, OfClass(svg, "jp-barline").Count());
    }

    [Fact]
    public void ChromaticNotesGetSharpsAndFlatsRelativeToTheKey()
    {
        // In F major (1=F): F#4 = #1, Ab4 = b3, B4 = #4, Eb5 = b7, E5 = 7.
        Piece piece = TestPieces.Make(new[] { 66, 68, 71, 75, 76 }.Select((p, i) => TestPieces.Q(p, i, 1)), sharps: -1);
        XDocument svg = Parse(piece);
        var notes = OfClass(svg, "jp-note").Select(e => ((int)e.Attribute("data-accidental")!, e.Value)).ToList();
        Assert.Equal([(1, "1"), (-1, "3"), (1, "4"), (-1, "7"), (0, "7")], notes);
        Assert.Equal(["♯", "♭", "♯", "♭"], OfClass(svg, "jp-accidental").Select(e => e.Value));
        Assert.Contains(OfClass(svg, "jp-header"), e => e.Value.Contains("1=F"));
    }

    [Fact]
    public void SixteenthsGetTwoUnderlinesAndMinorKeysUseTheRelativeMajor()
    {
        // A minor: A4 B4 C5 D5 as sixteenths, then E5 quarter: 6 7 1' 2' with two underlines each (1=C).
        Piece piece = TestPieces.Make(new[] { 69, 71, 72, 74 }.Select((p, i) => TestPieces.Q(p, i * 0.25, 0.25)).Append(TestPieces.Q(76, 1, 1)), minor: true);
        XDocument svg = Parse(piece);
        Assert.Equal(["6", "7", "1", "2", "3"], OfClass(svg, "jp-note").Select(e => e.Value));
        Assert.Equal(8, OfClass(svg, "jp-underline").Count());
        Assert.Contains(OfClass(svg, "jp-header"), e => e.Value.Contains("1=C"));
    }

    [Fact]
    public void EveryVoiceGetsItsOwnLineHighestFirstAndLongPiecesWrap()
    {
        // Two tracks, 24 bars of quarters: the upper track must be the first row, and 24 bars cannot fit one system.
        var notes = Enumerable.Range(0, 96).SelectMany(i => new[] { TestPieces.Q(72 + i % 5, i, 1), TestPieces.Q(48 + i % 3, i, 1, track: 1) });
        Piece piece = TestPieces.Make(notes, tracks: [new TrackInfo(0, "Upper"), new TrackInfo(1, "Lower")]);
        // Reverse the track order in the piece so ordering by pitch, not by track index, is what is tested.
        piece = piece with { Notes = piece.Notes.Select(n => n with { Track = 1 - n.Track }).ToList(), Tracks = [new TrackInfo(0, "Lower"), new TrackInfo(1, "Upper")] };
        XDocument svg = Parse(piece);
        var names = OfClass(svg, "jp-line-name").Select(e => e.Value).ToList();
        Assert.Equal("Upper", names[0]);
        Assert.Equal("Lower", names[1]);
        int systems = names.Count / 2;
        Assert.True(systems > 1, $"24 bars were laid out in {systems} system(s)");
        Assert.Equal(192, OfClass(svg, "jp-note").Count());
    }

    [Fact]
    public void KeyAndTimeChangesAreMarkedAndDegreesFollowTheNewKey()
    {
        // G4 is 1 in G major (bar 1); after the change to D major and 3/4 in bar 2, A4 is 5.
        Piece piece = TestPieces.Make([TestPieces.Q(67, 0, 4), TestPieces.Q(69, 4, 3)], sharps: 1) with
        {
            KeySignatures = [new KeySignature(0, 1, false), new KeySignature(4 * TestPieces.Tpq, 2, false)],
            TimeSignatures = [new TimeSignature(0, 4, 4), new TimeSignature(4 * TestPieces.Tpq, 3, 4)],
        };
        XDocument svg = Parse(piece);
        Assert.Equal(["1", "5"], OfClass(svg, "jp-note").Select(e => e.Value));
        Assert.Contains(OfClass(svg, "jp-change"), e => e.Value.Contains("1=D") && e.Value.Contains("3/4"));
    }

    [Fact]
    public void RandomPiecesGiveSymbolsThatFillEveryBar()
    {
        for (int seed = 0; seed < 40; seed++)
        {
            Piece piece = TestPieces.Random(seed);
            NotationScore score = NotationScore.From(piece);
            foreach (JianpuLine line in JianpuLayout.Lines(score))
                foreach (NotatedBar bar in score.Bars)
                {
                    var glyphs = line.Bars[bar.Index];
                    long position = 0;
                    foreach (JianpuGlyph glyph in glyphs)
                    {
                        Assert.Equal(position, glyph.Offset);
                        position += glyph.Duration;
                    }
                    Assert.True(position == bar.Length, $"seed {seed}, {line.Name}, bar {bar.Index + 1}: {position} of {bar.Length} units");
                }
            Parse(piece); // well-formed
        }
    }

    private static string Octave(int octave) => octave > 0 ? new string('\'', octave) : new string(',', -octave);
}
