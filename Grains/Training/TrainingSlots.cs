using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace MusicCluster.Grains.Training;

/// <summary>
/// How many training runs a silo takes at once: MusicCluster:MaxRunsPerSilo (default 1; 0 = this silo trains
/// nothing). Published as silo metadata so the index, on any silo, can place runs by every silo's own limit.
/// </summary>
public static class TrainingSlots
{
    public const string MetadataKey = "musiccluster.max-training-runs";
    public const string ConfigurationKey = "MusicCluster:MaxRunsPerSilo";
    public const int Default = 1;

    public static int MaxRunsPerSilo(IConfiguration configuration)
    {
        string? configured = configuration[ConfigurationKey];
        if (string.IsNullOrEmpty(configured)) return Default;
        return int.TryParse(configured, NumberStyles.Integer, CultureInfo.InvariantCulture, out int count) && count is >= 0 and <= 1000
            ? count
            : throw new InvalidOperationException($"{ConfigurationKey} '{configured}' is not a whole number from 0 to 1000");
    }

    /// <summary>How often each silo asks the index to re-place runs whose silo left (MusicCluster:Training:SupervisePeriodSeconds, default 5).</summary>
    public static TimeSpan SupervisePeriod(IConfiguration configuration)
    {
        string? configured = configuration["MusicCluster:Training:SupervisePeriodSeconds"];
        if (string.IsNullOrEmpty(configured)) return TimeSpan.FromSeconds(5);
        return double.TryParse(configured, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds is >= 0.1 and <= 3600
            ? TimeSpan.FromSeconds(seconds)
            : throw new InvalidOperationException($"MusicCluster:Training:SupervisePeriodSeconds '{configured}' is not a number of seconds from 0.1 to 3600");
    }
}
