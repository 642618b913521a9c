namespace MusicCluster.Client.Services;

/// <summary>
/// Maps the run config's field names in validation errors ("model.layers", "learningRate") to the fields of a
/// training request as the API and the form name them ("settings.layers", "settings.learningRate").
/// </summary>
public static class TrainingFieldNames
{
    private static readonly Dictionary<string, string> Settings = new(StringComparer.Ordinal)
    {
        ["model.layers"] = "layers",
        ["model.heads"] = "heads",
        ["model.modelWidth"] = "modelWidth",
        ["model.feedForwardWidth"] = "modelWidth",
        ["model.contextLength"] = "contextLength",
        ["model.dropout"] = "dropout",
        ["learningRate"] = "learningRate",
        ["warmupSteps"] = "warmupSteps",
        ["batchSize"] = "batchSize",
        ["mleSteps"] = "mleSteps",
        ["adversarialSteps"] = "adversarialSteps",
        ["criticSteps"] = "criticSteps",
        ["gradientPenaltyWeight"] = "gradientPenaltyWeight",
        ["gumbelTemperatureStart"] = "gumbelTemperature",
        ["gumbelTemperatureEnd"] = "gumbelTemperature",
        ["mleWeight"] = "mleWeight",
        ["seed"] = "seed",
        ["validateEvery"] = "validateEvery",
        ["workers"] = "workers",
        ["parallelMode"] = "parallelMode",
        ["localSteps"] = "localSteps",
        ["outerLearningRate"] = "outerLearningRate",
    };

    /// <summary>The settings field ("layers") a config field belongs to, or null when it is not one of the form's.</summary>
    public static string? SettingOf(string configField) => Settings.GetValueOrDefault(configField);

    /// <summary>The request field for an error: "settings.layers", or the field itself ("dataset", "checkpointEvery", "configJson.model").</summary>
    public static string RequestFieldOf(string configField) => SettingOf(configField) is { } setting ? $"settings.{setting}" : configField;
}
