using Microsoft.Extensions.Configuration;

namespace MusicCluster.Hosting;

/// <summary>
/// Who stands behind generated pieces, written into every piece's provenance: MusicCluster:Author, :Adviser,
/// :Organisation and :Licence — the same keys the web site shows in its About section, read here so that silos
/// (embedded or standalone) stamp pieces with them.
/// </summary>
public sealed record PieceAuthorship(string? Author, string? Adviser, string? Organisation, string Licence)
{
    public const string DefaultLicence = "Generated pieces are released under CC BY 4.0 unless the operator states otherwise.";

    public static PieceAuthorship From(IConfiguration configuration)
    {
        IConfigurationSection section = configuration.GetSection("MusicCluster");
        return new PieceAuthorship(NullIfEmpty(section["Author"]), NullIfEmpty(section["Adviser"]), NullIfEmpty(section["Organisation"]),
            NullIfEmpty(section["Licence"]) ?? DefaultLicence);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
