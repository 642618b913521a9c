using MusicCluster.Music.Tokens;
using MusicCluster.Music.Models;
using System.CommandLine;
using System.Text.Json;
using MusicCluster.Music.Data;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Scoring;

namespace MusicCluster.Cli.Commands;

/// <summary>
/// `eval --model <ckpt> --data <dir> --split valid|test [--json]`: NLL per token, the critic's AUC between real and
/// generated pieces, and the objective metrics when wired. Exit code 0 done, 2 bad model, data or arguments.
/// </summary>
internal static class EvalCommand
{
    /// <param name="metrics">Objective metrics (real, generated) -> figures; null reports none.</param>
    /// <param name="constraintFor">Grammar constraint for the model's vocabulary and a bar count, so generated pieces decode; null samples freely.</param>
    public static Command Create(IScoringModelSource models, Func<IReadOnlyList<Piece>, IReadOnlyList<Piece>, IReadOnlyDictionary<string, double>>? metrics,
        Func<Vocabulary, int, ITokenConstraint>? constraintFor = null)
    {
        var model = new Option<string?>("--model") { Description = "Model checkpoint (path or id); default: the shipped model" };
        var data = new Option<string>("--data") { Description = "Dataset folder (from `dataset import` or `dataset synth`)", Required = true };
        var split = new Option<string>("--split") { Description = "valid or test", DefaultValueFactory = _ => DatasetSplits.Valid };
        split.AcceptOnlyFromAmong(DatasetSplits.Valid, DatasetSplits.Test);
        var maxPieces = new Option<int?>("--max-pieces") { Description = "Most real (and generated) pieces for the AUC and metrics; the NLL covers the whole split" };
        maxPieces.Validators.Add(result => { if (result.GetValueOrDefault<int?>() is < 1) result.AddError("--max-pieces must be at least 1"); });
        var seed = new Option<long>("--seed") { Description = "Sampling seed for the generated pieces", DefaultValueFactory = _ => 1 };
        var bars = new Option<int>("--bars") { Description = "Bars per generated piece (with the grammar constraint)", DefaultValueFactory = _ => 12 };
        bars.Validators.Add(result => { if (result.GetValueOrDefault<int>() is < 1 or > 1000) result.AddError("--bars must be from 1 to 1000"); });
        var json = CommonOptions.Json();
        var command = new Command("eval", "Evaluate a model on a dataset split: NLL per token, critic AUC real vs generated, objective metrics")
            { model, data, split, maxPieces, seed, bars, json };
        command.SetAction((parse, cancellation) =>
        {
            var options = new EvaluationOptions
            {
                Split = parse.GetValue(split)!,
                MaxPieces = parse.GetValue(maxPieces),
                Sampling = new Music.Models.SamplingOptions { Seed = parse.GetValue(seed) },
            };
            int barCount = parse.GetValue(bars);
            Func<Vocabulary, Func<ITokenConstraint>?> constraints = vocabulary => constraintFor is null ? null : () => constraintFor(vocabulary, barCount);
            return Task.FromResult(Run(parse, models, metrics, constraints, parse.GetValue(model), parse.GetValue(data)!, options, parse.GetValue(json), cancellation));
        });
        return command;
    }

    private static int Run(ParseResult parse, IScoringModelSource models, Func<IReadOnlyList<Piece>, IReadOnlyList<Piece>, IReadOnlyDictionary<string, double>>? metrics,
        Func<Vocabulary, Func<ITokenConstraint>?> constraints, string? modelName, string dataFolder, EvaluationOptions options, bool json, CancellationToken cancellation)
    {
        TextWriter output = parse.InvocationConfiguration.Output, error = parse.InvocationConfiguration.Error;
        EvaluationResult result;
        try
        {
            var dataset = TokenDataset.Open(dataFolder);
            if (!dataset.SplitNames.Contains(options.Split)) throw new ArgumentException($"dataset {dataset.Folder} has no '{options.Split}' split");
            using var loaded = models.Load(modelName);
            if (loaded.Generator is null) throw new ScoringModelLoadException($"model {loaded.ModelId}/{loaded.CheckpointId} has no generator to evaluate");
            var progress = json ? null : new Progress<string>(message => error.WriteLine(message));
            options = options with { Constraint = constraints(loaded.Vocabulary) };
            result = new EvaluationRunner(loaded.Generator, loaded.Scorer, metrics).Run(dataset, options, progress, cancellation);
        }
        catch (Exception e) when (e is ScoringModelLoadException or DatasetFormatException or FormatException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            error.WriteLine($"error: {e.Message}");
            return CliRunner.UsageError;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("cancelled");
            return 130;
        }
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(result, CliJson.Options));
            return 0;
        }
        output.WriteLine($"model {result.ModelId} checkpoint {result.CheckpointId}, split {result.Split}");
        output.WriteLine($"NLL per token {result.NllPerToken:F4} nats over {result.NllTokens:N0} tokens ({result.NllMethod})");
        output.WriteLine($"critic AUC real vs generated {result.CriticAuc:F3} ({result.RealPieces} real, {result.GeneratedPieces} generated, {result.GeneratedUndecodable} undecodable)");
        output.WriteLine($"mean score real {result.MeanRealScore:F1}, generated {result.MeanGeneratedScore:F1}");
        output.WriteLine($"ordering over {result.Ordering.Pieces} real pieces: AUC real vs random tokens {result.Ordering.RealVsRandomAuc:F3}, real vs bar-shuffled {result.Ordering.RealVsShuffledAuc:F3}");
        if (result.Metrics is null) output.WriteLine("objective metrics: not available in this build");
        else foreach (var (name, value) in result.Metrics) output.WriteLine($"{name} {value:F4}");
        return 0;
    }
}
