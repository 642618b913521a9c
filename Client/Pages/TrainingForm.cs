using System.ComponentModel.DataAnnotations;
using MusicCluster.Grains.Interfaces.Training;

namespace MusicCluster.Client.Pages;

/// <summary>
/// The training form's fields. The ranges here are the page's first check (HTML constraints); the server checks
/// the whole config against the dataset and its messages are shown beside the same fields. Defaults make a small
/// run that trains in a few minutes on a CPU.
/// </summary>
public sealed class TrainingForm
{
    [Required] public string Dataset { get; set; } = "synthetic-demo";
    [StringLength(100)] public string? Name { get; set; }
    [Range(1, 48)] public int Layers { get; set; } = 2;
    [Range(1, 64)] public int Heads { get; set; } = 2;
    [Range(8, 4096)] public int ModelWidth { get; set; } = 64;
    [Range(8, 8192)] public int ContextLength { get; set; } = 64;
    [Range(0, 0.9)] public double Dropout { get; set; } = 0.1;
    [Range(1e-7, 1)] public double LearningRate { get; set; } = 0.001;
    [Range(1, 4096)] public int BatchSize { get; set; } = 8;
    [Range(0, 10_000_000)] public int MleSteps { get; set; } = 200;
    [Range(0, 10_000_000)] public int AdversarialSteps { get; set; }
    [Range(1, 100)] public int CriticSteps { get; set; } = 5;
    [Range(0, 1000)] public double GradientPenaltyWeight { get; set; } = 10;
    [Range(0.01, 10)] public double GumbelTemperature { get; set; } = 1.0;
    [Range(0, 1000)] public double MleWeight { get; set; } = 1.0;
    [Range(1, 10_000_000)] public int ValidateEvery { get; set; } = 50;
    [Range(0, 10_000_000)] public int CheckpointEvery { get; set; } = 50;
    [Range(1, 64)] public int Workers { get; set; } = 1;
    [RegularExpression("synchronous|local")] public string ParallelMode { get; set; } = "synchronous";
    [Range(1, 10_000)] public int LocalSteps { get; set; } = 10;

    /// <summary>The form for a run on <paramref name="dataset"/>: the general defaults, with the dataset's suggested settings over them.</summary>
    public static TrainingForm For(TrainingDatasetInfo dataset)
    {
        var form = new TrainingForm { Dataset = dataset.Id };
        TrainingSettings s = dataset.SuggestedSettings;
        form.Layers = s.Layers ?? form.Layers;
        form.Heads = s.Heads ?? form.Heads;
        form.ModelWidth = s.ModelWidth ?? form.ModelWidth;
        form.ContextLength = s.ContextLength ?? form.ContextLength;
        form.Dropout = s.Dropout ?? form.Dropout;
        form.LearningRate = s.LearningRate ?? form.LearningRate;
        form.BatchSize = s.BatchSize ?? form.BatchSize;
        form.MleSteps = s.MleSteps ?? form.MleSteps;
        form.AdversarialSteps = s.AdversarialSteps ?? form.AdversarialSteps;
        form.CriticSteps = s.CriticSteps ?? form.CriticSteps;
        form.GradientPenaltyWeight = s.GradientPenaltyWeight ?? form.GradientPenaltyWeight;
        form.GumbelTemperature = s.GumbelTemperature ?? form.GumbelTemperature;
        form.MleWeight = s.MleWeight ?? form.MleWeight;
        form.ValidateEvery = s.ValidateEvery ?? form.ValidateEvery;
        return form;
    }

    public TrainingRunRequest ToRequest() => new()
    {
        Dataset = Dataset,
        Name = Name,
        CheckpointEvery = CheckpointEvery,
        Settings = new TrainingSettings
        {
            Layers = Layers,
            Heads = Heads,
            ModelWidth = ModelWidth,
            ContextLength = ContextLength,
            Dropout = Dropout,
            LearningRate = LearningRate,
            BatchSize = BatchSize,
            MleSteps = MleSteps,
            AdversarialSteps = AdversarialSteps,
            CriticSteps = CriticSteps,
            GradientPenaltyWeight = GradientPenaltyWeight,
            GumbelTemperature = GumbelTemperature,
            MleWeight = MleWeight,
            ValidateEvery = ValidateEvery,
            Workers = Workers,
            ParallelMode = ParallelMode,
            LocalSteps = LocalSteps,
        },
    };

    /// <summary>The form property ("Layers") an error of request field <paramref name="field"/> ("settings.layers", "dataset") belongs to, or "" for the summary.</summary>
    public static string PropertyOf(string field)
    {
        string name = field.StartsWith("settings.", StringComparison.Ordinal) ? field["settings.".Length..] : field;
        string property = name.Length == 0 ? "" : char.ToUpperInvariant(name[0]) + name[1..];
        return typeof(TrainingForm).GetProperty(property) is null ? "" : property;
    }
}
