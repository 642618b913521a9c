using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace MusicCluster.Hosting;

/// <summary>Whole-number settings read the one way every settings record reads them: absent means the default, anything
/// else must be an integer in range, or start-up fails naming the key.</summary>
public static class ConfigurationIntegers
{
    public static int ReadInteger(this IConfigurationSection section, string key, int fallback, int min, int max)
    {
        string? value = section[key];
        if (string.IsNullOrWhiteSpace(value)) return fallback;
        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int parsed) && parsed >= min && parsed <= max
            ? parsed
            : throw new InvalidOperationException($"{section.Path}:{key} '{value}' is not an integer from {min} to {max}");
    }
}
