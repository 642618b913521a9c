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

    /// <summary>The scoring job rescoring the library after a promotion (?rescoring=id), whose progress the page follows live.</summary>
    public Guid? RescoringJobId { get; private set; }

    public async Task OnGetAsync(Guid? rescoring)
    {
        RescoringJobId = rescoring;
        Catalog = await models.GetCatalogAsync();
    }

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
            // In the address, not TempData (whose serializer turns a GUID string into a Guid the property cannot take).
            if (result.RescoringJobId is { } rescoring) return RedirectToPage(new { rescoring });
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            Problem = e.Message;
        }
        return RedirectToPage();
    }
}
