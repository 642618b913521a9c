using System.CommandLine;
using System.Text.Json;
using MusicCluster.Music.Models;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Storage.Checkpoints;
using MusicCluster.Music.Tokens;
using MusicCluster.Music.Training;

namespace MusicCluster.Cli.Commands;

/// <summary>
/// `generate [--model CKPT] --bars N [--temperature T] [--top-k K] [--top-p P] [--seed S] [--primer x.mid] --out x.mid [--json]`:
/// samples a piece from a trained generator, decoding with the vocabulary stored in its checkpoint, under the
/// tokenizer's grammar constraint so that every sampled sequence is a valid piece. Exit codes: 0 written,
/// 2 bad arguments, model or primer, 130 cancelled.
/// </summary>
internal static class GenerateCommand
{
    /// <summary>The model `generate` uses without --model: the shipped default model.</summary>
    public static string? ShippedModelPath => ShippedModel.CheckpointPath;

    public static Command Create(PieceFiles? files)
    {
        var model = new Option<string?>("--model") { Description = "Checkpoint (.ckpt) to sample from (default: the shipped model)" };
        var bars = new Option<int>("--bars") { Description = "Number of bars to generate (after the primer)", Required = true };
        bars.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 10_000) r.AddError("--bars must be from 1 to 10000"); });
        var temperature = CommonOptions.Temperature();
        var topK = new Option<int?>("--top-k") { Description = "Sample only among the K most likely tokens" };
        var topP = new Option<double?>("--top-p") { Description = "Nucleus sampling: only the most likely tokens holding probability P" };
        var seed = new Option<long>("--seed") { Description = "Same seed, same model, same options: the same piece", DefaultValueFactory = _ => 1 };
        var primer = new Option<string?>("--primer") { Description = "MIDI file to continue" };
        var candidates = CommonOptions.Candidates($"Critic-guided sampling: keep the best of N continuations per bar, by the critic (1 = off; default " +
            $"{CriticGuidance.DefaultCandidates} when the model has a calibration beside it, else 1)");
        var output = new Option<string>("--out") { Description = "MIDI file to write", Required = true };
        var json = CommonOptions.Json();
        var command = new Command("generate", "Generate a piece with a trained model and write it as MIDI")
            { model, bars, temperature, topK, topP, seed, primer, candidates, output, json };
        command.SetAction((parse, cancellation) => Task.Run(() =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output, stderr = parse.InvocationConfiguration.Error;
            try
            {
                string modelPath = parse.GetValue(model) ?? ShippedModelPath
                    ?? throw new UsageException("no default model is shipped yet: pass --model <checkpoint.ckpt> (train one with `musiccluster train`)");
                if (files is null) throw new UsageException("this build has no MIDI writer, so generate cannot write --out");
                var options = new SamplingOptions
                {
                    Temperature = parse.GetValue(temperature),
                    TopK = parse.GetValue(topK),
                    TopP = parse.GetValue(topP),
                    Seed = parse.GetValue(seed),
                };
                Piece? primerPiece = parse.GetValue(primer) is { } primerPath ? ReadPrimer(files, primerPath) : null;
                bool calibrated = File.Exists(CheckpointScoringModelSource.CalibrationPathOf(modelPath));
                int perBar = parse.GetValue(candidates) ?? (calibrated ? CriticGuidance.DefaultCandidates : 1);
                if (perBar > 1 && !calibrated)
                    throw new UsageException($"--candidates {perBar} needs the model's critic calibration ({CheckpointScoringModelSource.CalibrationPathOf(modelPath)}): " +
                        $"run `musiccluster calibrate --model {modelPath} --data <dataset>`, or pass --candidates 1");
                using var checkpoint = ModelCheckpoint.LoadFile(modelPath);
                options.EnsureValid(checkpoint.Generator.Config.VocabSize);
                GeneratedPiece generated;
                if (perBar == 1)
                    generated = PieceGeneration.Generate(checkpoint.Generator, checkpoint.Info.Vocabulary, parse.GetValue(bars), options, primerPiece,
                        cancellation: cancellation);
                else
                    generated = CriticGuidedGeneration.Generate(checkpoint.Generator, checkpoint.Info.Vocabulary, GuidingCritic(checkpoint, modelPath),
                        parse.GetValue(bars), perBar, options, primerPiece, cancellation: cancellation);
                string outPath = Path.GetFullPath(parse.GetValue(output)!);
                files.Write(generated.Piece with
                {
                    Metadata = generated.Piece.Metadata with
                    {
                        Title = $"Generated by {Path.GetFileName(modelPath)} (seed {options.Seed})",
                        Provenance = new Provenance
                        {
                            ModelId = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(modelPath))) ?? "",
                            CheckpointId = Path.GetFileNameWithoutExtension(modelPath),
                            Seed = options.Seed,
                            Parameters = new Dictionary<string, string>
                            {
                                ["bars"] = parse.GetValue(bars).ToString(System.Globalization.CultureInfo.InvariantCulture),
                                ["temperature"] = options.Temperature.ToString(System.Globalization.CultureInfo.InvariantCulture),
                                ["topK"] = options.TopK?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
                                ["topP"] = options.TopP?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
                                ["primer"] = parse.GetValue(primer) is { } p ? Path.GetFileName(p) : "",
                                ["candidates"] = perBar.ToString(System.Globalization.CultureInfo.InvariantCulture),
                            },
                            CreatedAt = DateTimeOffset.UtcNow,
                        },
                    },
                }, outPath);
                var summary = new GenerateSummary(outPath, Path.GetFullPath(modelPath), checkpoint.Info.Vocabulary.Version, checkpoint.Info.Step,
                    parse.GetValue(bars), generated.Tokens.Length - generated.PrimerTokens, generated.Piece.Notes.Count, generated.Complete, options.Seed, perBar);
                if (parse.GetValue(json)) stdout.WriteLine(JsonSerializer.Serialize(summary, CliJson.Options));
                else stdout.WriteLine($"Wrote {outPath}: {summary.Notes} notes, {summary.Bars} bars, {summary.NewTokens} tokens (model " +
                    $"step {summary.ModelStep}, seed {summary.Seed}, {summary.Candidates} candidate(s) per bar)" +
                    (generated.Complete ? "" : " -- cut at the token limit before the last bar was complete"));
                return 0;
            }
            catch (InvalidConfigException e)
            {
                stderr.WriteLine($"error: {e.Message}");
                return CliRunner.UsageError;
            }
            catch (OperationCanceledException)
            {
                stderr.WriteLine("cancelled: nothing was written");
                return 130;
            }
            catch (Exception e) when (e is UsageException or CheckpointFormatException or FileNotFoundException or DirectoryNotFoundException
                or IOException or UnauthorizedAccessException or TokenDecodeException or ArgumentException)
            {
                stderr.WriteLine($"error: {e.Message}");
                return CliRunner.UsageError;
            }
        }, CancellationToken.None));
        return command;
    }

    internal sealed record GenerateSummary(string Out, string Model, string VocabularyVersion, long ModelStep, int Bars, int NewTokens, int Notes, bool Complete, long Seed,
        int Candidates);

    /// <summary>The checkpoint's critic, reading windows of the size its calibration was made with (as scoring does).</summary>
    private static Music.Scoring.CriticWindowScorer GuidingCritic(ModelCheckpoint checkpoint, string modelPath)
    {
        if (checkpoint.Critic is null) throw new UsageException($"checkpoint {modelPath} has no critic, so it cannot guide sampling: pass --candidates 1");
        string calibrationPath = CheckpointScoringModelSource.CalibrationPathOf(modelPath);
        try
        {
            var calibration = Music.Scoring.ScoreCalibration.FromJson(File.ReadAllText(calibrationPath), calibrationPath);
            return new Music.Scoring.CriticWindowScorer(checkpoint.Critic, checkpoint.Info.Vocabulary, Music.Scoring.CriticScorer.ForCalibration(calibration));
        }
        catch (Music.Scoring.CalibrationFormatException e)
        {
            throw new UsageException(e.Message);
        }
    }

    private static Piece ReadPrimer(PieceFiles files, string path)
    {
        if (!File.Exists(path)) throw new UsageException($"primer {Path.GetFullPath(path)} does not exist");
        try
        {
            return files.Read(path);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new UsageException($"primer {Path.GetFullPath(path)} cannot be read: {e.Message}");
        }
    }

    private sealed class UsageException(string message) : Exception(message);
}
