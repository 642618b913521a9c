using System.CommandLine;
using System.Text.Json;
using MusicCluster.Music.Data;
using MusicCluster.Music.Models;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Cli.Commands;

/// <summary>
/// `eval --model <ckpt> --data <dir> --split valid|test [--pieces N] [--bars B] [--json]`: NLL per token, the critic's
/// AUC between real and generated pieces, the chorale figures of both, and the objective metrics when wired.
/// Exit code 0 done, 2 bad model, data or arguments.
/// </summary>
internal static class EvalCommand
{
    /// <param name="metrics">Objective metrics (real, generated) -> figures; null reports none.</param>
    public static Command Create(IScoringModelSource models, Func<IReadOnlyList<Piece>, IReadOnlyList<Piece>, IReadOnlyDictionary<string, double>>? metrics)
    {
        var model = new Option<string?>("--model") { Description = "Model checkpoint (path or id); default: the shipped model" };
        var data = new Option<string>("--data") { Description = "Dataset folder (from `dataset import` or `dataset synth`)", Required = true };
        var split = new Option<string>("--split") { Description = "valid or test", DefaultValueFactory = _ => DatasetSplits.Valid };
        split.AcceptOnlyFromAmong(DatasetSplits.Valid, DatasetSplits.Test);
        var maxPieces = new Option<int?>("--max-pieces") { Description = "Most real pieces for the AUC and metrics; the NLL covers the whole split" };
        maxPieces.Validators.Add(result => { if (result.GetValueOrDefault<int?>() is < 1) result.AddError("--max-pieces must be at least 1"); });
        var pieces = new Option<int?>("--pieces") { Description = "Pieces to generate (default: as many as the real pieces used)" };
        pieces.Validators.Add(result => { if (result.GetValueOrDefault<int?>() is < 1 or > 100_000) result.AddError("--pieces must be from 1 to 100000"); });
        var bars = new Option<int>("--bars") { Description = "Bars per generated piece (sampled under the tokenizer's grammar constraint)", DefaultValueFactory = _ => 12 };
        bars.Validators.Add(result => { if (result.GetValueOrDefault<int>() is < 1 or > 1000) result.AddError("--bars must be from 1 to 1000"); });
        var batchSize = new Option<int>("--batch-size") { Description = "Pieces generated at once", DefaultValueFactory = _ => 8 };
        batchSize.Validators.Add(result => { if (result.GetValueOrDefault<int>() is < 1 or > 1024) result.AddError("--batch-size must be from 1 to 1024"); });
        var temperature = CommonOptions.Temperature();
        var topK = new Option<int?>("--top-k") { Description = "Sample only among the K most likely tokens" };
        var topP = new Option<double?>("--top-p") { Description = "Nucleus sampling: only the most likely tokens holding probability P" };
        var seed = new Option<long>("--seed") { Description = "Sampling seed for the generated pieces", DefaultValueFactory = _ => 1 };
        var candidates = CommonOptions.Candidates(
            $"Critic-guided sampling of the generated pieces: the best of N continuations per bar (1 = off; default {Music.Training.CriticGuidance.DefaultCandidates})");
        var noVoiceLeading = new Option<bool>("--no-voice-leading")
        {
            Description = "Chorale models: sample without the voice-leading rules (ranges still hold), to measure what the rules buy"
        };
        var json = CommonOptions.Json();
        var command = new Command("eval", "Evaluate a model on a dataset split: NLL per token, critic AUC real vs generated, chorale figures, objective metrics")
            { model, data, split, maxPieces, pieces, bars, batchSize, temperature, topK, topP, seed, candidates, noVoiceLeading, json };
        command.SetAction((parse, cancellation) =>
        {
            var options = new EvaluationOptions
            {
                Split = parse.GetValue(split)!,
                MaxPieces = parse.GetValue(maxPieces),
                GeneratedPieces = parse.GetValue(pieces),
                GeneratedBars = parse.GetValue(bars),
                GenerationBatchSize = parse.GetValue(batchSize),
                Candidates = parse.GetValue(candidates) ?? Music.Training.CriticGuidance.DefaultCandidates,
                Chorale = parse.GetValue(noVoiceLeading) ? new Music.Tokens.ChoraleRules { VoiceLeading = false } : null,
                Sampling = new Music.Models.SamplingOptions
                {
                    Temperature = parse.GetValue(temperature),
                    TopK = parse.GetValue(topK),
                    TopP = parse.GetValue(topP),
                    Seed = parse.GetValue(seed),
                },
            };
            return Task.FromResult(Run(parse, models, metrics, parse.GetValue(model), parse.GetValue(data)!, options, parse.GetValue(json), cancellation));
        });
        return command;
    }

    private static int Run(ParseResult parse, IScoringModelSource models, Func<IReadOnlyList<Piece>, IReadOnlyList<Piece>, IReadOnlyDictionary<string, double>>? metrics,
        string? modelName, string dataFolder, EvaluationOptions options, bool json, CancellationToken cancellation)
    {
        TextWriter output = parse.InvocationConfiguration.Output, error = parse.InvocationConfiguration.Error;
        EvaluationResult result;
        try
        {
            var dataset = TokenDataset.Open(dataFolder);
            if (!dataset.SplitNames.Contains(options.Split)) throw new ArgumentException($"dataset {dataset.Folder} has no '{options.Split}' split");
            using var loaded = models.Load(modelName);
            if (loaded.Generator is null) throw new ScoringModelLoadException($"model {loaded.ModelId}/{loaded.CheckpointId} has no generator to evaluate");
            options.Sampling.EnsureValid(loaded.Generator.Config.VocabSize);
            var progress = json ? null : new Progress<string>(message => error.WriteLine(message));
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
        output.WriteLine($"critic AUC real vs generated {result.CriticAuc:F3} ({result.RealPieces} real, {result.GeneratedPieces} generated of {result.GeneratedBars} bars " +
            $"each, {result.GeneratedIncomplete} cut at the token limit; {result.Candidates} candidate(s) per bar, generated in {result.GenerationSeconds:0.#} s)");
        output.WriteLine($"mean score real {result.MeanRealScore:F1}, generated {result.MeanGeneratedScore:F1}");
        output.WriteLine($"ordering over {result.Ordering.Pieces} real pieces: AUC real vs random tokens " +
            $"{result.Ordering.RealVsRandomAuc:F3}, real vs bar-shuffled {result.Ordering.RealVsShuffledAuc:F3}");
        ChoraleFiguresText.Write(output, result.Chorale);
        if (result.Metrics is null) output.WriteLine("objective metrics: not available in this build");
        else foreach (var (name, value) in result.Metrics) output.WriteLine($"{name} {value:F4}");
        return 0;
    }
}
