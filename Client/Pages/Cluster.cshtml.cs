using Microsoft.AspNetCore.Mvc.RazorPages;
using MusicCluster.Client.Services;
using MusicCluster.Grains.Interfaces.Cluster;

namespace MusicCluster.Client.Pages;

public sealed class ClusterModel(ClusterService cluster) : PageModel
{
    public ClusterSnapshot Snapshot { get; private set; } = null!;
    public string? DashboardUrl => cluster.DashboardUrl;

    public async Task OnGetAsync() => Snapshot = await cluster.GetSnapshotAsync();
}
