using MusicCluster.Hosting;

namespace MusicCluster.Client.Services;

/// <summary>
/// What the home page and the About section show, from configuration section "MusicCluster": who stands behind the
/// generated pieces (Author, Adviser, Organisation, Licence — also written into every piece's provenance) and an
/// optional demo video (DemoVideoUrl, an http(s) embed link such as https://www.youtube.com/embed/...).
/// </summary>
public sealed record SiteSettings(string? Author, string? Adviser, string? Organisation, string Licence, Uri? DemoVideo)
{
    public const string DefaultLicence = PieceAuthorship.DefaultLicence;

    public static SiteSettings From(IConfiguration configuration)
    {
        IConfigurationSection section = configuration.GetSection("MusicCluster");
        string? video = section["DemoVideoUrl"];
        // Only absolute http(s) links are embedded: anything else (javascript:, relative paths) is ignored.
        Uri? demo = Uri.TryCreate(video, UriKind.Absolute, out Uri? uri) && uri.Scheme is "https" or "http" ? uri : null;
        // The authorship comes from the same reader the silos use to stamp generated pieces.
        PieceAuthorship authorship = PieceAuthorship.From(configuration);
        return new SiteSettings(authorship.Author, authorship.Adviser, authorship.Organisation, authorship.Licence, demo);
    }
}
