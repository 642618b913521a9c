using MusicCluster.Music.Midi;
using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Tests.Midi;

/// <summary>
/// MIDI files written by other programs (abc2midi, LilyPond) from sources held here: the reader must find exactly
/// the notes, tempos and signatures the sources say.
/// </summary>
public class ForeignMidiFileTests
{
    /// <summary>abc2midi starts every note one tick late (and still ends it on the beat).</summary>
    private const int Abc2MidiOnsetDelay = 1;

    /// <summary>abc2midi's ticks per quarter note.</summary>
    private const int Q = 480;

    [SkippableFact]
    public void Abc2MidiScaleReadsAsTheScale()
    {
        string abc2midi = Prerequisite.RequireProgram("abc2midi", "abcmidi");
        const string source = """
            X:1
            T:Scale
            M:4/4
            L:1/4
            Q:1/4=120
            K:C
            CDEF|GABc|
            """;
        var piece = Abc2Midi(abc2midi, source);

        Assert.Equal(480, piece.TicksPerQuarter);
        Assert.Equal("Scale", piece.Metadata.Title);
        Assert.Equal([new TempoChange(0, 500_000)], piece.Tempos);
        Assert.Equal([new TimeSignature(0, 4, 4)], piece.TimeSignatures);
        Assert.Equal([new KeySignature(0, 0, false)], piece.KeySignatures);
        int[] scale = [60, 62, 64, 65, 67, 69, 71, 72];
        Assert.Equal(scale.Select((pitch, i) => (pitch, i * Q, Q)), AbcNotes(piece, track: 0));
    }

    [SkippableFact]
    public void Abc2MidiTwoVoicesWithATempoChange()
    {
        string abc2midi = Prerequisite.RequireProgram("abc2midi", "abcmidi");
        const string source = """
            X:1
            T:Two voices
            M:3/4
            L:1/8
            Q:1/4=90
            K:G
            V:1
            B2 d2 g2|[Q:1/4=60] f4 e2|
            V:2
            G,4 D,2|D,6|
            """;
        var piece = Abc2Midi(abc2midi, source);

        Assert.Equal("Two voices", piece.Metadata.Title);
        Assert.Equal(2, piece.Tracks.Count);
        Assert.Equal([new TempoChange(0, 666_666), new TempoChange(3 * 480, 1_000_000)], piece.Tempos);
        Assert.Equal([new TimeSignature(0, 3, 4)], piece.TimeSignatures);
        Assert.Equal([new KeySignature(0, 1, false)], piece.KeySignatures);
        // In G major, f is F sharp.
        Assert.Equal([(71, 0, Q), (74, Q, Q), (79, 2 * Q, Q), (78, 3 * Q, 2 * Q), (76, 5 * Q, Q)], AbcNotes(piece, track: 0));
        Assert.Equal([(55, 0, 2 * Q), (50, 2 * Q, Q), (50, 3 * Q, 3 * Q)], AbcNotes(piece, track: 1));
    }

    [SkippableFact]
    public void Abc2MidiChordsTripletsAndADrumVoice()
    {
        string abc2midi = Prerequisite.RequireProgram("abc2midi", "abcmidi");
        // chordattack 0: abc2midi otherwise staggers the notes of a chord by a few ticks.
        const string source = """
            X:1
            T:Drums and chords
            M:2/4
            L:1/8
            Q:1/4=100
            K:D
            V:1
            %%MIDI program 19
            %%MIDI chordattack 0
            [DFA]2 [DFA]2|(3AB=c d2|
            V:2
            %%MIDI channel 10
            C,,2 ^F,,2|C,,2 ^F,,2|
            """;
        var piece = Abc2Midi(abc2midi, source);

        Assert.Equal([new TempoChange(0, 600_000)], piece.Tempos);
        Assert.Equal([new TimeSignature(0, 2, 4)], piece.TimeSignatures);
        Assert.Equal([new KeySignature(0, 2, false)], piece.KeySignatures);
        Assert.Equal(2, piece.Tracks.Count);
        Assert.Equal((19, 0), (piece.Tracks[0].Program, piece.Tracks[0].Channel));
        Assert.True(piece.Tracks[1].IsDrums);
        // D major: F and C are sharp unless marked natural; a triplet of eighths fills one quarter.
        Assert.Equal(
            [(62, 0, Q), (66, 0, Q), (69, 0, Q), (62, Q, Q), (66, Q, Q), (69, Q, Q),
             (69, 2 * Q, Q / 3), (71, 2 * Q + Q / 3, Q / 3), (72, 2 * Q + 2 * Q / 3, Q / 3), (74, 3 * Q, Q)],
            AbcNotes(piece, track: 0));
        // Side stick (C sharp) and closed hi-hat on the General MIDI drum channel.
        Assert.Equal([(37, 0, Q), (42, Q, Q), (37, 2 * Q, Q), (42, 3 * Q, Q)], AbcNotes(piece, track: 1));
        Assert.All(piece.Notes.Where(n => n.Track == 1), n => Assert.True(n.IsDrum));
    }

    [SkippableFact]
    public void LilyPondTwoStavesWithInstrumentsKeyAndTempoChange()
    {
        string lilypond = Prerequisite.RequireProgram("lilypond", "lilypond");
        const string source = """
            \version "2.24.0"
            \header { title = "Two staves" }
            \score {
              <<
                \new Staff = "upper" \with { midiInstrument = "violin" } {
                  \key g \major \time 3/4 \tempo 4 = 90 b'4 d''8 e''8 g''4 | \tempo 4 = 60 fis''2 e''4 |
                }
                \new Staff = "lower" \with { midiInstrument = "cello" } {
                  \clef bass \key g \major \time 3/4 g2 d4 | d2. |
                }
              >>
              \midi { }
            }
            """;
        string folder = RepositoryPaths.NewTempFolder("lilypond");
        File.WriteAllText(Path.Combine(folder, "piece.ly"), source);
        var run = ExternalProgram.Run(lilypond, folder, "-s", "piece.ly");
        Assert.True(run.ExitCode == 0, $"lilypond failed: {run.AllOutput}");
        var piece = MidiFileReader.ReadFile(Path.Combine(folder, "piece.midi"));

        Assert.Equal("Two staves", piece.Metadata.Title);
        Assert.Equal(2, piece.Tracks.Count);
        Assert.StartsWith("upper", piece.Tracks[0].Name);
        Assert.StartsWith("lower", piece.Tracks[1].Name);
        Assert.Equal(40, piece.Tracks[0].Program); // General MIDI violin, counted from 0
        Assert.Equal(42, piece.Tracks[1].Program); // cello
        Assert.Equal([new TempoChange(0, 666_666), new TempoChange(3 * piece.TicksPerQuarter, 1_000_000)], piece.Tempos);
        Assert.Equal([new TimeSignature(0, 3, 4)], piece.TimeSignatures);
        Assert.Equal([new KeySignature(0, 1, false)], piece.KeySignatures);
        Assert.Equal([(71, 0.0, 1.0), (74, 1.0, 0.5), (76, 1.5, 0.5), (79, 2.0, 1.0), (78, 3.0, 2.0), (76, 5.0, 1.0)], Quarters(piece, 0));
        Assert.Equal([(55, 0.0, 2.0), (50, 2.0, 1.0), (50, 3.0, 3.0)], Quarters(piece, 1));
    }

    private static Piece Abc2Midi(string abc2midi, string source)
    {
        string folder = RepositoryPaths.NewTempFolder("abc2midi");
        File.WriteAllText(Path.Combine(folder, "tune.abc"), source);
        var run = ExternalProgram.Run(abc2midi, folder, "tune.abc", "-o", "tune.mid");
        Assert.True(run.ExitCode == 0, $"abc2midi failed: {run.AllOutput}");
        return MidiFileReader.ReadFile(Path.Combine(folder, "tune.mid"));
    }

    /// <summary>A track's notes as (pitch, start, duration) in ticks, undoing abc2midi's one-tick delay exactly.</summary>
    private static List<(int, int, int)> AbcNotes(Piece piece, int track)
    {
        Assert.Equal(Q, piece.TicksPerQuarter);
        return piece.Notes.Where(n => n.Track == track).OrderBy(n => n.Start).ThenBy(n => n.Pitch)
            .Select(n => (n.Pitch, (int)n.Start - Abc2MidiOnsetDelay, (int)n.Duration + Abc2MidiOnsetDelay))
            .ToList();
    }

    private static IEnumerable<(int, double, double)> Quarters(Piece piece, int track) =>
        piece.Notes.Where(n => n.Track == track).OrderBy(n => n.Start)
            .Select(n => (n.Pitch, (double)n.Start / piece.TicksPerQuarter, (double)n.Duration / piece.TicksPerQuarter));
}
