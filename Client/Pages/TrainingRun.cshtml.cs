using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using MusicCluster.Client.Services;
using MusicCluster.Grains.Interfaces.Training;

namespace MusicCluster.Client.Pages;

public sealed class TrainingRunModel(TrainingService training) : PageModel
{
    public TrainingRunSnapshot Run { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string id)
    {
        if (!TrainingService.IsValidId(id) || await training.GetAsync(id) is not { } run) return NotFound();
        Run = run;
        return Page();
    }
}
