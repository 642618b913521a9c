using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using MusicCluster.Client.Hosting;
using MusicCluster.Client.Services;
using MusicCluster.Grains.Interfaces.Models;

namespace MusicCluster.Client.Pages;

public sealed class ModelsModel(ModelsService models) : PageModel
{
    public ModelCatalog Catalog { get; private set; } = null!;

    [TempData] public string? Message { get; set; }

    [TempData] public string? Problem { get; set; }

    public async Task OnGetAsync() => Catalog = await models.GetCatalogAsync();

    public async Task<IActionResult> OnPostPromoteAsync(string modelId, string checkpointId)
    {
        if (!User.IsAdmin()) return Challenge();
        if (!TrainingService.IsValidId(modelId) || !TrainingService.IsValidId(checkpointId))
        {
            Problem = "That is not a model or checkpoint id.";
            return RedirectToPage();
        }
        try
        {
            var result = await models.PromoteAsync($"{modelId}/{checkpointId}");
            Message = $"{modelId}/{checkpointId} is the default model now. " + (result.RescoringJobId is { } job
                ? $"Rescoring the library (scoring job {job})."
                : $"The library could not be rescored: {result.RescoringProblem}");
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            Problem = e.Message;
        }
        return RedirectToPage();
    }
}
