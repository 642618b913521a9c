using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MusicCluster.Client.Pages;

/// <summary>The evaluation room: score an uploaded MIDI file bar by bar, or play and be scored as you play (all in evaluate.js over POST /api/score), or enter a melody to
/// harmonise (melody-input.js; POST /api/harmonisations, then the studio watches the session).</summary>
public sealed class EvaluateModel : PageModel
{
    public void OnGet()
    {
    }
}
