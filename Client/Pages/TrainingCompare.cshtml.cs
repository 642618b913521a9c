using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using MusicCluster.Client.Services;
using MusicCluster.Grains.Interfaces.Training;

namespace MusicCluster.Client.Pages;

/// <summary>Runs side by side: their configs (the fields that differ first) and their curves on shared charts.</summary>
public sealed class TrainingCompareModel(TrainingService training) : PageModel
{
    public const int MaxRuns = 8;

    public IReadOnlyList<TrainingRunSnapshot> Runs { get; private set; } = [];

    /// <summary>Config fields (flattened JSON paths) with each run's value; fields whose values differ come first.</summary>
    public IReadOnlyList<(string Field, IReadOnlyList<string> Values, bool Differs)> Fields { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync([FromQuery] string[] ids)
    {
        var wanted = ids.Where(TrainingService.IsValidId).Distinct().Take(MaxRuns).ToList();
        var runs = new List<TrainingRunSnapshot>();
        foreach (string id in wanted)
            if (await training.GetAsync(id) is { } run) runs.Add(run);
        Runs = runs;
        var flat = runs.Select(r => Flatten(r.ConfigJson)).ToList();
        Fields = flat.SelectMany(f => f.Keys).Distinct()
            .Select(field => (field, (IReadOnlyList<string>)flat.Select(f => f.GetValueOrDefault(field, "")).ToList(),
                flat.Select(f => f.GetValueOrDefault(field, "")).Distinct().Count() > 1))
            .OrderByDescending(f => f.Item3).ThenBy(f => f.field, StringComparer.Ordinal).ToList();
        return Page();
    }

    private static Dictionary<string, string> Flatten(string json)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        void Walk(JsonNode? node, string path)
        {
            if (node is JsonObject obj) foreach (var (key, child) in obj) Walk(child, path.Length == 0 ? key : $"{path}.{key}");
            else result[path] = node?.ToJsonString() ?? "null";
        }
        try { Walk(JsonNode.Parse(json), ""); }
        catch (JsonException) { }
        return result;
    }
}
