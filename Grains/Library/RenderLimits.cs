using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace MusicCluster.Grains.Library;

/// <summary>
/// Bounds on rendering and analysing a stored piece, from section MusicCluster:Limits: MaxWavSeconds (default 600: the
/// longest audio rendered, fade-out included; 16-bit stereo at 44.1 kHz that is at most 106 MB), RenderSeconds (default
/// 30: how long one render (WAV, MusicXML, jianpu) may run before it is stopped), AnalysisSeconds (default 30: the same
/// for one analysis: the piano roll's notes, metrics, similarity) and ConcurrentRenders (default 8: renders and analyses
/// one silo runs at once; one more is refused at once with 503 and Retry-After rather than queued). Renders and analyses
/// are cached, so each limit is met at most once per piece and format while it holds. Seconds may have fractions; bad
/// values fail at start naming the key.
/// </summary>
public sealed record RenderLimits(
    double MaxWavSeconds = RenderLimits.DefaultMaxWavSeconds,
    double RenderSeconds = RenderLimits.DefaultRenderSeconds,
    double AnalysisSeconds = RenderLimits.DefaultAnalysisSeconds,
    int ConcurrentRenders = RenderLimits.DefaultConcurrentRenders)
{
    public const string Section = MidiLimits.Section;
    public const string MaxWavSecondsKey = Section + ":MaxWavSeconds";
    public const string RenderSecondsKey = Section + ":RenderSeconds";
    public const string AnalysisSecondsKey = Section + ":AnalysisSeconds";
    public const string ConcurrentRendersKey = Section + ":ConcurrentRenders";
    public const double DefaultMaxWavSeconds = 600;
    public const double DefaultRenderSeconds = 30;
    public const double DefaultAnalysisSeconds = 30;
    public const int DefaultConcurrentRenders = 8;

    /// <summary>
    /// The most RenderSeconds and AnalysisSeconds may be: the grain call that renders waits up to IPieceGrain.GetFileAsync's
    /// response timeout (5 minutes), which has to cover a render and others queued before it on the same piece; an
    /// analysis waits up to IPieceAnalysisGrain's (3 minutes).
    /// </summary>
    public const double MaxRenderSeconds = 120;

    /// <summary>Seconds a client refused for <see cref="ConcurrentRenders"/> is told to wait (Retry-After): most renders take less.</summary>
    public const int BusyRetryAfterSeconds = 2;

    public TimeSpan RenderTime => TimeSpan.FromSeconds(RenderSeconds);

    public TimeSpan AnalysisTime => TimeSpan.FromSeconds(AnalysisSeconds);

    /// <summary>Whether a piece lasting <paramref name="durationSeconds"/> gets audio: its WAV lasts that plus the fade-out.</summary>
    public bool AllowsAudioOf(double durationSeconds) => durationSeconds + new Music.Audio.WavRenderOptions().ReleaseSeconds <= MaxWavSeconds;

    public static RenderLimits From(IConfiguration configuration)
    {
        IConfigurationSection section = configuration.GetSection(Section);
        return new RenderLimits(
            ReadSeconds(section, "MaxWavSeconds", DefaultMaxWavSeconds, 24 * 3600),
            ReadSeconds(section, "RenderSeconds", DefaultRenderSeconds, MaxRenderSeconds),
            ReadSeconds(section, "AnalysisSeconds", DefaultAnalysisSeconds, MaxRenderSeconds),
            section.ReadInteger("ConcurrentRenders", DefaultConcurrentRenders, 1, 1024));
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
