using Microsoft.AspNetCore.Mvc.RazorPages;
using MusicCluster.Client.Services;
using MusicCluster.Grains.Interfaces.Installation;

namespace MusicCluster.Client.Pages;

public sealed class IndexModel(ClusterService cluster, SiteSettings site) : PageModel
{
    public SiteSettings Site => site;

    public InstallationInfo Installation { get; private set; } = null!;

    public async Task OnGetAsync() => Installation = await cluster.GetInstallationAsync();
}
