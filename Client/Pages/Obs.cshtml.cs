using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MusicCluster.Client.Pages;

/// <summary>OBS Studio overlay: the newest live session's piano roll and score on a transparent page (obs.js follows it).</summary>
public sealed class ObsModel : PageModel
{
    public void OnGet()
    {
    }
}
