using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MusicCluster.Client.Pages;

/// <summary>
/// OBS Studio overlay on a transparent page: the newest live session's piano roll and score (obs.js follows it), or with
/// <c>?radio=1</c> a radio that generates and plays pieces one after another (obs-radio.js).
/// </summary>
public sealed class ObsModel : PageModel
{
    [BindProperty(SupportsGet = true, Name = "radio")]
    public string? RadioParameter { get; set; }

    public bool Radio => RadioParameter == "1";

    public void OnGet()
    {
    }
}
