namespace MusicCluster.Music.Audio;

/// <summary>Finds the fluidsynth program and a General MIDI soundfont; WAV rendering falls back to the built-in synth without them.</summary>
public static class FluidSynthLocator
{
    private static readonly string[] SoundFontCandidates =
    {
        "/usr/share/sounds/sf2/default-GM.sf2", "/usr/share/sounds/sf2/FluidR3_GM.sf2", "/usr/share/sounds/sf2/TimGM6mb.sf2",
        "/usr/share/soundfonts/default.sf2", "/usr/share/soundfonts/FluidR3_GM.sf2",
    };

    public static string? FindExecutable()
    {
        string? path = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(path)) return null;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, OperatingSystem.IsWindows() ? "fluidsynth.exe" : "fluidsynth"))
            .FirstOrDefault(File.Exists);
    }

    public static string? FindSoundFont(string? configured = null)
    {
        if (!string.IsNullOrEmpty(configured)) return File.Exists(configured) ? configured : null;
        return SoundFontCandidates.FirstOrDefault(File.Exists);
    }
}
