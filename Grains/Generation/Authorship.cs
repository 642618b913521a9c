using Microsoft.Extensions.Configuration;

namespace MusicCluster.Grains.Generation;

/// <summary>
/// Who stands behind generated pieces, written into every piece's provenance: configuration keys
/// MusicCluster:Author, MusicCluster:Adviser, MusicCluster:Organisation and MusicCluster:Licence (the Client's About
/// section reads the same keys).
/// </summary>
public sealed record Authorship(string? Author, string? Adviser, string? Organisation, string Licence)
{
    public const string DefaultLicence = "Generated pieces are released under CC BY 4.0 unless the operator states otherwise.";

    public static Authorship FromConfiguration(IConfiguration configuration)
    {
        IConfigurationSection section = configuration.GetSection("MusicCluster");
        return new Authorship(NullIfEmpty(section["Author"]), NullIfEmpty(section["Adviser"]), NullIfEmpty(section["Organisation"]),
            NullIfEmpty(section["Licence"]) ?? DefaultLicence);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
