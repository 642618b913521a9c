using MusicCluster.Music.Audio;

namespace MusicCluster.Music.Tests.Notation;

/// <summary>
/// Reads MusicXML back through LilyPond, as a musician importing our export would: `musicxml2ly` writes LilyPond
/// source, `lilypond` engraves it to PDF (and MIDI). Any error, and any failed bar check (bars that do not add up),
/// fails the test. Layout warnings are allowed: they are about looks, not correctness.
/// </summary>
internal sealed record LilyPondEngraving(string Folder, string Source)
{
    public static LilyPondEngraving Engrave(byte[] musicXml)
    {
        string musicXml2Ly = Prerequisite.RequireProgram("musicxml2ly", "lilypond");
        string lilypond = Prerequisite.RequireProgram("lilypond", "lilypond");
        string folder = RepositoryPaths.NewTempFolder("musicxml-lilypond");
        File.WriteAllBytes(Path.Combine(folder, "score.musicxml"), musicXml);

        var convert = ExternalProgram.Run(musicXml2Ly, ["--midi", "--loglevel=WARN", "-o", "score.ly", "score.musicxml"], TimeSpan.FromMinutes(2), folder);
        Assert.False(convert.TimedOut, "musicxml2ly timed out");
        Assert.True(convert.ExitCode == 0, $"musicxml2ly failed ({convert.ExitCode}): {convert.StandardError}");
        Assert.DoesNotContain("error", convert.StandardError, StringComparison.OrdinalIgnoreCase);

        var engrave = ExternalProgram.Run(lilypond, ["--loglevel=WARNING", "-o", "score", "score.ly"], TimeSpan.FromMinutes(3), folder);
        Assert.False(engrave.TimedOut, "lilypond timed out");
        Assert.True(engrave.ExitCode == 0, $"lilypond failed ({engrave.ExitCode}): {engrave.StandardError}");
        Assert.DoesNotContain("error", engrave.StandardError, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("barcheck", engrave.StandardError, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("bar check", engrave.StandardError, StringComparison.OrdinalIgnoreCase);
        Assert.True(File.Exists(Path.Combine(folder, "score.pdf")), "lilypond wrote no PDF");
        return new LilyPondEngraving(folder, File.ReadAllText(Path.Combine(folder, "score.ly")));
    }

    /// <summary>The MIDI file LilyPond wrote beside the PDF.</summary>
    public string MidiPath => Directory.GetFiles(Folder, "score*.mid*").Single();
}
