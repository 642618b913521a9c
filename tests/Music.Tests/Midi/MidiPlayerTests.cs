using MusicCluster.Music.Audio;
using MusicCluster.Music.Midi;
using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Tests.Midi;

/// <summary>
/// Files the writer makes are played by timidity and fluidsynth without complaint. Both exit with 0 even for a
/// broken file, so the tests read what they print; a truncated file shows the check can fail.
/// </summary>
public class MidiPlayerTests
{
    private static readonly string[] ComplaintWords = ["error", "warning", "too shorten", "corrupt", "illegal", "can't", "cannot", "bad "];

    [SkippableFact]
    public void TimidityPlaysWrittenFilesWithoutComplaint()
    {
        string timidity = Prerequisite.RequireProgram("timidity", "timidity");
        string config = TimidityConfig();
        // One run for all files: timidity spends most of a second loading the soundfont.
        string folder = RepositoryPaths.NewTempFolder("midi-play");
        var played = PiecesToPlay().ToList();
        foreach (var (name, piece, format) in played)
        {
            Assert.True(piece.DurationSeconds < 20, $"{name} lasts {piece.DurationSeconds:F0} s: too long to render in a test");
            File.WriteAllBytes(Path.Combine(folder, $"{name}.mid"), MidiFileWriter.Write(piece, format));
        }
        // -Ow without -o writes each input's audio next to it, as name.wav.
        var run = ExternalProgram.Run(timidity, folder, ["-c", config, "-Ow", .. played.Select(p => $"{p.Name}.mid")]);

        Assert.True(run.ExitCode == 0, $"timidity exited with {run.ExitCode}: {run.AllOutput}");
        var complaints = TimidityComplaints(run);
        Assert.True(complaints.Count == 0, $"timidity complained: {string.Join(" | ", complaints)}");
        foreach (var (name, piece, format) in played)
        {
            int chunks = format == MidiFileFormat.SingleTrack ? 1 : MidiCanonicalForm.Of(piece).Tracks.Count + 1;
            Assert.Contains($"MIDI file: {name}.mid\nFormat: {(int)format}  Tracks: {chunks}  Divisions: {piece.TicksPerQuarter}", run.AllOutput);
            var audio = new FileInfo(Path.Combine(folder, $"{name}.wav"));
            Assert.True(audio.Exists && audio.Length > 44 + 44100, $"{name}: timidity wrote less than a second of audio");
        }
    }

    [SkippableFact]
    public void TimidityComplainsAboutATruncatedFile()
    {
        string timidity = Prerequisite.RequireProgram("timidity", "timidity");
        string config = TimidityConfig();
        var (folder, file) = WriteToFolder(PiecesToPlay().First().Piece, "truncated", MidiFileFormat.MultiTrack, truncateBy: 10);
        var run = ExternalProgram.Run(timidity, folder, "-c", config, "-Ow", "-o", "out.wav", file);
        Assert.NotEmpty(TimidityComplaints(run));
    }

    [SkippableFact]
    public void FluidSynthPlaysWrittenFilesWithoutComplaint()
    {
        string fluidsynth = Prerequisite.RequireProgram("fluidsynth", "fluidsynth");
        string soundFont = RequireSoundFont();
        foreach (var (name, piece, format) in PiecesToPlay())
        {
            var (folder, file) = WriteToFolder(piece, name, format);
            var run = ExternalProgram.Run(fluidsynth, folder, "-ni", "-g", "1.0", "-r", "44100", "-F", "out.wav", soundFont, file);
            Assert.True(run.ExitCode == 0, $"{name}: fluidsynth exited with {run.ExitCode}: {run.AllOutput}");
            var complaints = Complaints(run.StandardError);
            Assert.True(complaints.Count == 0, $"{name}: fluidsynth complained: {string.Join(" | ", complaints)}");
            Assert.True(new FileInfo(Path.Combine(folder, "out.wav")).Length > 44 + 44100, $"{name}: fluidsynth wrote less than a second of audio");
        }
    }

    [SkippableFact]
    public void FluidSynthComplainsAboutATruncatedFile()
    {
        string fluidsynth = Prerequisite.RequireProgram("fluidsynth", "fluidsynth");
        string soundFont = RequireSoundFont();
        var (folder, file) = WriteToFolder(PiecesToPlay().First().Piece, "truncated", MidiFileFormat.MultiTrack, truncateBy: 10);
        var run = ExternalProgram.Run(fluidsynth, folder, "-ni", "-g", "1.0", "-r", "44100", "-F", "out.wav", soundFont, file);
        Assert.NotEmpty(Complaints(run.StandardError));
    }

    /// <summary>A small arrangement with drums and tempo changes (in formats 1 and 0), and random pieces at a playable tempo.</summary>
    private static IEnumerable<(string Name, Piece Piece, MidiFileFormat Format)> PiecesToPlay()
    {
        const int q = 480;
        var melody = new[] { 60, 62, 64, 65, 67, 65, 64, 62 }.Select((p, i) => new Note(p, i * q, q, 90, 0));
        var bass = new[] { 48, 43, 48, 43 }.Select((p, i) => new Note(p, i * 2 * q, 2 * q, 80, 1));
        var drums = Enumerable.Range(0, 16).Select(i => new Note(i % 4 == 0 ? 36 : 42, i * q / 2, q / 4, 100, 2, 9));
        var arrangement = new Piece
        {
            Notes = [.. melody, .. bass, .. drums],
            Tempos = [new TempoChange(0, 500_000), new TempoChange(4 * q, 400_000)],
            TimeSignatures = [new TimeSignature(0, 4, 4)],
            KeySignatures = [new KeySignature(0, 0, false)],
            Tracks = [new TrackInfo(0, "Flute", 73, 0), new TrackInfo(1, "Bass", 32, 1), new TrackInfo(2, "Drums", 0, 9)],
            Metadata = new PieceMetadata { Title = "Arrangement", Composer = "Test", Copyright = "none" },
        };
        yield return ("arrangement", arrangement, MidiFileFormat.MultiTrack);
        yield return ("arrangement-format-0", arrangement, MidiFileFormat.SingleTrack);
        foreach (int seed in new[] { 1, 2, 3 })
        {
            var piece = RandomPieces.Canonical(seed);
            // Random tempos and tick sizes can make hours of audio; these keep each piece under 20 seconds. Drum tracks
            // get the standard kit: the soundfont has few of the other kits a random program number would ask for.
            yield return ($"random-{seed}", piece with
            {
                TicksPerQuarter = 480,
                Tempos = [new TempoChange(0, 250_000)],
                Tracks = piece.Tracks.Select(t => t.IsDrums ? t with { Program = 0 } : t).ToList(),
            }, MidiFileFormat.MultiTrack);
        }
    }

    private static (string Folder, string File) WriteToFolder(Piece piece, string name, MidiFileFormat format, int truncateBy = 0)
    {
        string folder = RepositoryPaths.NewTempFolder("midi-play");
        string file = $"{name}.mid";
        byte[] bytes = MidiFileWriter.Write(piece, format);
        File.WriteAllBytes(Path.Combine(folder, file), bytes[..^truncateBy]);
        return (folder, file);
    }

    private static string RequireSoundFont()
    {
        string? soundFont = FluidSynthLocator.FindSoundFont();
        Prerequisite.Require(soundFont is not null, "a General MIDI soundfont (Debian package timgm6mb-soundfont)");
        return soundFont!;
    }

    /// <summary>A timidity configuration that uses the General MIDI soundfont, whatever the system one says.</summary>
    private static string TimidityConfig()
    {
        string config = Path.Combine(RepositoryPaths.NewTempFolder("timidity"), "timidity.cfg");
        File.WriteAllText(config, $"soundfont {RequireSoundFont()}\n");
        return config;
    }

    /// <summary>
    /// Complaints in timidity's output, except the one about its system configuration: Debian's timidity.cfg sources
    /// a soundfont package we do not install (fluid-soundfont-gm, 140 MB), and timidity reads it before ours.
    /// </summary>
    private static List<string> TimidityComplaints(ExternalProgram.Result run) =>
        Complaints(run.AllOutput)
            .Where(line => !(line.StartsWith("/etc/timidity/", StringComparison.Ordinal) && line.EndsWith(".cfg: No such file or directory", StringComparison.Ordinal))
                && !line.StartsWith("timidity: Error reading configuration file", StringComparison.Ordinal)
                && !line.StartsWith("Please check /etc/timidity/", StringComparison.Ordinal))
            .ToList();

    private static List<string> Complaints(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => ComplaintWords.Any(word => line.Contains(word, StringComparison.OrdinalIgnoreCase))
                || line.Contains("No such file", StringComparison.Ordinal))
            .ToList();
}
