using System.CommandLine;
using System.Text.Json;
using MusicCluster.Music.Data;
using MusicCluster.Music.Harmony;
using MusicCluster.Music.Models;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Storage.Checkpoints;
using MusicCluster.Music.Training;

namespace MusicCluster.Cli.Commands;

/// <summary>
/// `eval-harmony --data <grid dataset> [--split test] [--model harmony.ckpt] [--chorale-model default.ckpt]
/// [--candidates N] [--seed S] [--max-melodies N] [--json]`: harmonises the soprano of every chorale of the split
/// and compares with Bach (see <see cref="HarmonyEvaluation"/>). Exit codes: 0 done, 2 bad model, data or arguments.
/// </summary>
internal static class EvalHarmonyCommand
{
    public static Command Create(IScoringModelSource choraleModels)
    {
        var data = new Option<string>("--data") { Description = "Grid dataset folder (`dataset import --format jsb --tokenizer grid`)", Required = true };
        var split = new Option<string>("--split") { Description = "valid or test", DefaultValueFactory = _ => DatasetSplits.Valid };
        split.AcceptOnlyFromAmong(DatasetSplits.Valid, DatasetSplits.Test);
        var model = new Option<string?>("--model") { Description = "Harmony checkpoint, or a chorale checkpoint to compare with (default: the shipped harmony model)" };
        var choraleModel = new Option<string?>("--chorale-model")
        {
            Description = "Chorale model: its critic scores and guides, its generator's NLL is the comparison (default: the shipped model)"
        };
        var candidates = CommonOptions.Candidates($"Critic-guided harmonisation: the best of N candidates per bar (1 = off; default {CriticGuidance.DefaultCandidates})");
        var temperature = CommonOptions.Temperature();
        var seed = new Option<long>("--seed") { Description = "Seed of the first melody's harmonisation (melody i uses seed + i)", DefaultValueFactory = _ => 1 };
        var maxMelodies = new Option<int?>("--max-melodies") { Description = "Harmonise only the first N chorales of the split" };
        maxMelodies.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 1) r.AddError("--max-melodies must be at least 1"); });
        var json = CommonOptions.Json();
        var command = new Command("eval-harmony", "Evaluate a harmony model: harmonise a split's soprano lines and compare with Bach's harmonisations")
            { data, split, model, choraleModel, candidates, temperature, seed, maxMelodies, json };
        command.SetAction((parse, cancellation) => Task.Run(() =>
        {
            TextWriter output = parse.InvocationConfiguration.Output, error = parse.InvocationConfiguration.Error;
            HarmonyEvaluationResult result;
            try
            {
                var dataset = TokenDataset.Open(parse.GetValue(data)!);
                string splitName = parse.GetValue(split)!;
                if (!dataset.SplitNames.Contains(splitName)) throw new ArgumentException($"dataset {dataset.Folder} has no '{splitName}' split");
                string modelPath = parse.GetValue(model) ?? ShippedModel.HarmonyCheckpointPath
                    ?? throw new ArgumentException("no harmony model ships with this build: pass --model <harmony.ckpt>");
                using var harmony = ModelCheckpoint.LoadFile(modelPath);
                using var chorale = choraleModels.Load(parse.GetValue(choraleModel));
                if (chorale.Generator is null) throw new ArgumentException($"chorale model {chorale.ModelId} has no generator to compare NLL with");
                var options = new SamplingOptions { Temperature = parse.GetValue(temperature), Seed = parse.GetValue(seed) }.EnsureValid(harmony.Generator.Config.VocabSize);
                var progress = parse.GetValue(json) ? null : new Progress<string>(message => error.WriteLine(message));
                result = new HarmonyEvaluation(harmony.Generator, harmony.Info.Vocabulary, chorale.Generator, chorale.Scorer)
                    .Run(dataset, splitName, options, parse.GetValue(candidates) ?? CriticGuidance.DefaultCandidates, parse.GetValue(maxMelodies), progress, cancellation);
            }
            catch (OperationCanceledException)
            {
                error.WriteLine("cancelled");
                return 130;
            }
            catch (Exception e) when (e is ArgumentException or ScoringModelLoadException or CheckpointFormatException or DatasetFormatException
                or InvalidConfigException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"error: {e.Message}");
                return CliRunner.UsageError;
            }
            if (parse.GetValue(json))
            {
                output.WriteLine(JsonSerializer.Serialize(result, CliJson.Options));
                return 0;
            }
            output.WriteLine($"{result.Melodies} soprano lines of {result.Split}: {result.Refused.Count} refused, " +
                $"soprano unchanged in {result.SopranoUnchanged}, complete {result.Complete}");
            foreach (string refusal in result.Refused) output.WriteLine($"  refused {refusal}");
            output.WriteLine($"NLL of alto, tenor, bass given the soprano: harmony model {result.HarmonyNll.PerToken:F4}, chorale " +
                $"model {result.ChoraleNll.PerToken:F4} nats per token ({result.HarmonyNll.Tokens:N0} tokens)");
            ChoraleFiguresText.Write(output, result.Chorale, "Bach", "harmonised");
            output.WriteLine($"critic: mean calibrated score Bach {result.MeanBachScore:F1}, harmonised " +
                $"{result.MeanHarmonisedScore:F1}; AUC Bach vs harmonised {result.CriticAuc:F3}");
            output.WriteLine($"{result.Candidates} candidate(s) per bar, temperature {result.Temperature}, {result.GenerationSeconds:F1} s");
            return 0;
        }, CancellationToken.None));
        return command;
    }
}
