using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace MusicCluster.Grains.Library;

/// <summary>
/// Bounds on rendering a stored piece (WAV, MusicXML, jianpu), from section MusicCluster:Limits: MaxWavSeconds (default
/// 600: the longest audio rendered, fade-out included; 16-bit stereo at 44.1 kHz that is at most 106 MB) and
/// RenderSeconds (default 30: how long one render may run before it is stopped). Renders are cached, so each limit is
/// met at most once per piece and format while it holds. Seconds may have fractions; bad values fail at start naming
/// the key.
/// </summary>
public sealed record RenderLimits(double MaxWavSeconds = RenderLimits.DefaultMaxWavSeconds, double RenderSeconds = RenderLimits.DefaultRenderSeconds)
{
    public const string Section = MidiLimits.Section;
    public const string MaxWavSecondsKey = Section + ":MaxWavSeconds";
    public const string RenderSecondsKey = Section + ":RenderSeconds";
    public const double DefaultMaxWavSeconds = 600;
    public const double DefaultRenderSeconds = 30;

    /// <summary>
    /// The most RenderSeconds may be: the grain call that renders waits up to IPieceGrain.GetFileAsync's response
    /// timeout (5 minutes), which has to cover a render and others queued before it on the same piece.
    /// </summary>
    public const double MaxRenderSeconds = 120;

    public TimeSpan RenderTime => TimeSpan.FromSeconds(RenderSeconds);

    /// <summary>Whether a piece lasting <paramref name="durationSeconds"/> gets audio: its WAV lasts that plus the fade-out.</summary>
    public bool AllowsAudioOf(double durationSeconds) => durationSeconds + new Music.Audio.WavRenderOptions().ReleaseSeconds <= MaxWavSeconds;

    public static RenderLimits From(IConfiguration configuration)
    {
        IConfigurationSection section = configuration.GetSection(Section);
        return new RenderLimits(
            ReadSeconds(section, "MaxWavSeconds", DefaultMaxWavSeconds, 24 * 3600),
            ReadSeconds(section, "RenderSeconds", DefaultRenderSeconds, MaxRenderSeconds));
    }

    private static double ReadSeconds(IConfigurationSection section, string key, double fallback, double max)
    {
        string? value = section[key];
        if (string.IsNullOrWhiteSpace(value)) return fallback;
        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds > 0 && seconds <= max
            ? seconds
            : throw new InvalidOperationException($"{section.Path}:{key} '{value}' is not a number of seconds above 0 and at most {max}");
    }
}
