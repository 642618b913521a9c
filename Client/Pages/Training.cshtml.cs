using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using MusicCluster.Client.Hosting;
using MusicCluster.Client.Services;
using MusicCluster.Grains.Interfaces.Training;

namespace MusicCluster.Client.Pages;

public sealed class TrainingModel(TrainingService training) : PageModel
{
    [BindProperty] public TrainingForm Form { get; set; } = new();

    public IReadOnlyList<TrainingRunSummary> Runs { get; private set; } = [];
    public IReadOnlyList<TrainingDatasetInfo> Datasets { get; private set; } = [];
    public IReadOnlyList<SweepSnapshot> Sweeps { get; private set; } = [];

    /// <summary>The form fields whose defaults differ between datasets, per dataset id (see <see cref="TrainingDatasetChoice.FieldDefaults"/>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> DatasetFieldDefaults { get; private set; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>();

    /// <param name="dataset">A dataset to start the form with, its suggested settings filled in (e.g. /training?dataset=jsb-grid).</param>
    public async Task OnGetAsync(string? dataset)
    {
        await LoadAsync();
        // An unknown id is not an error here: the page shows the datasets there are.
        if (Datasets.FirstOrDefault(d => d.Id == (dataset ?? Form.Dataset)) is { } chosen) Form = TrainingForm.For(chosen);
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!User.IsAdmin()) return Challenge();
        if (ModelState.IsValid)
        {
            var errors = await training.ValidateAsync(Form.ToRequest());
            foreach (var error in errors)
            {
                string field = TrainingFieldNames.RequestFieldOf(error.Field);
                string property = TrainingForm.PropertyOf(field);
                ModelState.AddModelError(property.Length == 0 ? "" : $"{nameof(Form)}.{property}", property.Length == 0 ? $"{field}: {error.Message}" : error.Message);
            }
        }
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await LoadAsync();
            return Page();
        }
        try
        {
            TrainingRunSnapshot run = await training.StartAsync(Form.ToRequest());
            return RedirectToPage("/TrainingRun", new { id = run.RunId });
        }
        catch (ArgumentException e)
        {
            ModelState.AddModelError("", e.Message);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await LoadAsync();
            return Page();
        }
    }

    private async Task LoadAsync()
    {
        Runs = await training.ListAsync();
        Datasets = await training.GetDatasetsAsync();
        DatasetFieldDefaults = TrainingDatasetChoice.FieldDefaults(Datasets);
        Sweeps = await training.ListSweepsAsync();
    }
}
