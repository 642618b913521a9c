using Microsoft.AspNetCore.Mvc.RazorPages;
using MusicCluster.Client.Services;
using MusicCluster.Grains.Interfaces.Installation;
using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Grains.Interfaces.Models;

namespace MusicCluster.Client.Pages;

/// <summary>The studio: generate a piece and watch it appear, plus the demo video and the About section.</summary>
public sealed class IndexModel(ClusterService cluster, SiteSettings site, ModelsService models, LibraryService library) : PageModel
{
    public SiteSettings Site => site;

    public InstallationInfo Installation { get; private set; } = null!;

    public ModelCatalog Models { get; private set; } = null!;

    /// <summary>Recent library pieces offered as primers.</summary>
    public IReadOnlyList<PieceSummary> Primers { get; private set; } = [];

    public async Task OnGetAsync()
    {
        Installation = await cluster.GetInstallationAsync();
        Models = await models.GetCatalogAsync();
        Primers = (await library.ListAsync(new LibraryQuery(Take: 50))).Items;
    }
}
