using MusicCluster.Grains.Interfaces.Training;
using MusicCluster.Music.Models;
using MusicCluster.Music.Tokens;
using MusicCluster.Music.Training;

namespace MusicCluster.Grains.Training;

/// <summary>
/// Turns a <see cref="TrainingRunRequest"/> into a <see cref="RunConfig"/> for a dataset's vocabulary: the request's
/// config JSON (or the dataset's default config), with the form's settings written over it. Every problem is a
/// field error named as the config JSON names it ("model.layers", "learningRate"), so the form can show it beside
/// its field.
/// </summary>
public static class RunConfigBuilder
{
    public static (RunConfig? Config, IReadOnlyList<TrainingFieldError> Errors) Build(TrainingRunRequest request, Vocabulary vocabulary)
    {
        var errors = new List<TrainingFieldError>();
        RunConfig config;
        if (string.IsNullOrWhiteSpace(request.ConfigJson))
        {
            config = RunConfig.DefaultFor(vocabulary);
        }
        else
        {
            try
            {
                config = RunConfig.FromJson(request.ConfigJson);
            }
            catch (InvalidConfigException e)
            {
                return (null, e.Errors.Select(error => new TrainingFieldError($"configJson.{error.Field}", error.Message)).ToList());
            }
        }

        TrainingSettings s = request.Settings ?? new TrainingSettings();
        var model = config.Model;
        if (model is not null)
        {
            int width = s.ModelWidth ?? model.ModelWidth;
            model = model with
            {
                Layers = s.Layers ?? model.Layers,
                Heads = s.Heads ?? model.Heads,
                ModelWidth = width,
                // The form has no feed-forward field: keep the usual 4 x width when the width changes.
                FeedForwardWidth = s.ModelWidth is null ? model.FeedForwardWidth : 4 * width,
                ContextLength = s.ContextLength ?? model.ContextLength,
                Dropout = s.Dropout ?? model.Dropout,
            };
        }
        var mode = config.ParallelMode;
        if (s.ParallelMode is { } modeName)
        {
            if (Enum.TryParse(modeName, ignoreCase: true, out DataParallelMode parsed) && Enum.IsDefined(parsed) && !int.TryParse(modeName, out _)) mode = parsed;
            else errors.Add(new TrainingFieldError("parallelMode", $"must be synchronous or local, got '{modeName}'"));
        }
        var onLost = config.OnWorkerLost;
        if (s.OnWorkerLost is { } lostName)
        {
            if (Enum.TryParse(lostName, ignoreCase: true, out WorkerLossPolicy parsed) && Enum.IsDefined(parsed) && !int.TryParse(lostName, out _)) onLost = parsed;
            else errors.Add(new TrainingFieldError("onWorkerLost", $"must be continue or wait, got '{lostName}'"));
        }
        config = config with
        {
            Model = model!,
            OnWorkerLost = onLost,
            WorkerWaitSeconds = s.WorkerWaitSeconds ?? config.WorkerWaitSeconds,
            Workers = s.Workers ?? config.Workers,
            ParallelMode = mode,
            LocalSteps = s.LocalSteps ?? config.LocalSteps,
            OuterLearningRate = s.OuterLearningRate ?? config.OuterLearningRate,
            LearningRate = s.LearningRate ?? config.LearningRate,
            BatchSize = s.BatchSize ?? config.BatchSize,
            MleSteps = s.MleSteps ?? config.MleSteps,
            AdversarialSteps = s.AdversarialSteps ?? config.AdversarialSteps,
            CriticSteps = s.CriticSteps ?? config.CriticSteps,
            GradientPenaltyWeight = s.GradientPenaltyWeight ?? config.GradientPenaltyWeight,
            GumbelTemperatureStart = s.GumbelTemperature ?? config.GumbelTemperatureStart,
            GumbelTemperatureEnd = s.GumbelTemperature is { } t ? Math.Min(t, config.GumbelTemperatureEnd) : config.GumbelTemperatureEnd,
            MleWeight = s.MleWeight ?? config.MleWeight,
            Seed = s.Seed ?? config.Seed,
            ValidateEvery = s.ValidateEvery ?? config.ValidateEvery,
            WarmupSteps = s.WarmupSteps ?? Math.Min(config.WarmupSteps, Math.Max(0, (s.MleSteps ?? config.MleSteps) / 10)),
            CheckpointEvery = request.CheckpointEvery ?? config.CheckpointEvery,
            CheckpointMinutes = request.CheckpointMinutes ?? config.CheckpointMinutes,
        };
        errors.AddRange(config.Validate(vocabulary).Select(e => new TrainingFieldError(e.Field, e.Message)));
        if (request.Name is { Length: > 100 }) errors.Add(new TrainingFieldError("name", "must be at most 100 characters"));
        return (errors.Count == 0 ? config : null, errors);
    }
}
