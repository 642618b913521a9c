using System.CommandLine;
using System.Runtime.CompilerServices;
using System.Text.Json;
using MusicCluster.Music.Data;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Storage;
using MusicCluster.Music.Storage.Checkpoints;
using MusicCluster.Music.Training;
using Spectre.Console;

namespace MusicCluster.Cli.Commands;

/// <summary>
/// `train-critic --model CKPT --data DIR --out CKPT [--steps N] ...`: fine-tunes a checkpoint's critic on the dataset's
/// train split against random-token and bar-shuffled negatives (<see cref="CriticFineTuning"/>), measures the ordering
/// AUCs on the held-out split as it goes, and writes the checkpoint with the best critic (generator unchanged) to --out
/// with its .json record. Calibrate the result afterwards (`calibrate`), with the same --window-bars.
/// Exit codes: 0 written, 2 bad arguments, data or checkpoint, 130 stopped by Ctrl-C (the best critic so far is written).
/// </summary>
internal static class TrainCriticCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Checkpoint (.ckpt) whose critic to fine-tune", Required = true };
        var data = new Option<string>("--data") { Description = "Dataset folder: its train split trains, its held-out split selects", Required = true };
        var output = new Option<string>("--out") { Description = "Checkpoint file to write (.ckpt; its .json record is written beside it)", Required = true };
        var split = new Option<string>("--split") { Description = "Held-out split the ordering is measured on to choose the best critic", DefaultValueFactory = _ => "valid" };
        var defaults = new CriticFineTuningOptions();
        var steps = Positive(new Option<int>("--steps") { Description = "Critic steps", DefaultValueFactory = _ => defaults.Training.Steps });
        var batch = Positive(new Option<int>("--batch-size")
        {
            Description = "Real windows per step (and as many negatives)",
            DefaultValueFactory = _ => defaults.Training.BatchSize
        });
        var rate = new Option<double>("--learning-rate") { Description = "Adam learning rate", DefaultValueFactory = _ => defaults.Training.LearningRate };
        var shuffled = new Option<double>("--shuffled-share")
        {
            Description = "Share of negatives with real bars in a wrong order (the rest: random tokens)",
            DefaultValueFactory = _ => defaults.Training.ShuffledShare
        };
        var permuted = new Option<double>("--window-permutation-share")
        {
            Description = "Of those, the share made by permuting the real window's own bars (the rest: the same bar's window of the shuffled piece)",
            DefaultValueFactory = _ => defaults.Training.WindowPermutationShare,
        };
        var penalty = Positive(new Option<int>("--gradient-penalty-interval")
        {
            Description = "Apply the WGAN-GP penalty every N steps",
            DefaultValueFactory = _ => defaults.Training.GradientPenaltyInterval
        });
        var loss = new Option<CriticLoss>("--loss")
        {
            Description = "wasserstein (the WGAN critic's objective) or logistic (a classifier's)",
            DefaultValueFactory = _ => defaults.Training.Loss
        };
        var penaltyWeight = new Option<double>("--gradient-penalty-weight")
        {
            Description = "WGAN-GP weight lambda; 0 turns the penalty off",
            DefaultValueFactory = _ => defaults.Training.GradientPenaltyWeight
        };
        var windowBars = Positive(new Option<int>("--window-bars") { Description = "Bars per scoring window", DefaultValueFactory = _ => defaults.WindowBars });
        var every = Positive(new Option<int>("--evaluate-every")
        {
            Description = "Measure the held-out ordering every N steps",
            DefaultValueFactory = _ => defaults.EvaluateEvery
        });
        var pieces = Positive(new Option<int>("--evaluation-pieces") { Description = "Held-out pieces to measure on", DefaultValueFactory = _ => defaults.EvaluationPieces });
        var fromGenerator = new Option<bool>("--init-from-generator")
        {
            Description = "Start the critic from the generator's token embedding and first blocks instead of its own weights"
        };
        var seed = new Option<long>("--seed") { Description = "Seed of the windows, negatives and measurements", DefaultValueFactory = _ => defaults.Training.Seed };
        var threads = new Option<int?>("--threads") { Description = "libtorch CPU threads (default: OMP_NUM_THREADS, else half the cores, at least 1)" };
        threads.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 1 or > 256) r.AddError("--threads must be from 1 to 256"); });
        var json = CommonOptions.Json();
        var command = new Command("train-critic", "Fine-tune a checkpoint's critic against random and bar-shuffled negatives (the generator stays as it is)")
            { model, data, output, split, steps, batch, rate, shuffled, permuted, penalty, loss, penaltyWeight, windowBars, every, pieces, fromGenerator, seed, threads, json };
        command.SetAction((parse, cancellation) => Task.Run(() =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output, error = parse.InvocationConfiguration.Error;
            string modelPath = parse.GetValue(model)!, dataFolder = parse.GetValue(data)!, outPath = Path.GetFullPath(parse.GetValue(output)!), splitName = parse.GetValue(split)!;
            try
            {
                if (parse.GetValue(threads) is int n) Music.Runtime.TorchThreads.Use(n);
                if (!outPath.EndsWith(".ckpt", StringComparison.Ordinal)) throw new ArgumentException($"--out {outPath} must name a .ckpt file");
                var options = new CriticFineTuningOptions
                {
                    Training = defaults.Training with
                    {
                        Steps = parse.GetValue(steps),
                        BatchSize = parse.GetValue(batch),
                        LearningRate = parse.GetValue(rate),
                        ShuffledShare = parse.GetValue(shuffled),
                        WindowPermutationShare = parse.GetValue(permuted),
                        GradientPenaltyInterval = parse.GetValue(penalty),
                        Seed = parse.GetValue(seed),
                        Loss = parse.GetValue(loss),
                        GradientPenaltyWeight = parse.GetValue(penaltyWeight),
                    },
                    WindowBars = parse.GetValue(windowBars),
                    EvaluateEvery = parse.GetValue(every),
                    EvaluationPieces = parse.GetValue(pieces),
                    InitializeFromGenerator = parse.GetValue(fromGenerator),
                }.EnsureValid();
                var dataset = TokenDataset.Open(dataFolder);
                foreach (string needed in new[] { "train", splitName })
                    if (!dataset.SplitNames.Contains(needed)) throw new ArgumentException($"dataset {dataFolder} has no '{needed}' split");
                string source = Path.GetFullPath(modelPath);
                // LoadFile verifies the .json record's length and SHA-256 and the vocabulary before anything is trained.
                ModelCheckpoint.LoadFile(source, dataset.Vocabulary).Dispose();
                var archive = CheckpointArchive.Parse(File.ReadAllBytes(source), source);
                var train = dataset.ReadSplit("train").Select(s => s.Tokens).ToArray();
                var heldOut = dataset.ReadSplit(splitName).Select(s => s.Tokens).ToArray();

                // The best critic so far is written whenever it changes, so a run that is killed keeps it.
                CheckpointRecord? record = null;
                void Keep(CriticFineTuningEvaluation evaluation, CheckpointArchive best) => record = Write(best, source, outPath);
                CriticFineTuningResult result = parse.GetValue(json)
                    ? CriticFineTuning.Run(archive, source, train, heldOut, options, cancellation: cancellation, bestChanged: Keep)
                    : WithProgress(error, archive, source, train, heldOut, options, splitName, Keep, cancellation);
                record ??= Write(result.Checkpoint, source, outPath);
                var best = result.Best;
                var summary = new
                {
                    output = outPath,
                    sha256 = record.Sha256,
                    bytes = record.Length,
                    split = splitName,
                    bestStep = best.Step,
                    best = best.Ordering,
                    evaluations = result.Evaluations,
                };
                if (parse.GetValue(json)) stdout.WriteLine(JsonSerializer.Serialize(summary, CliJson.Options));
                else stdout.WriteLine($"Wrote {outPath}: critic of step {best.Step}, on {best.Ordering.Pieces} " +
                    $"{splitName} pieces AUC real vs random {best.Ordering.RealVsRandomAuc:F3}, " +
                    $"real vs bar-shuffled {best.Ordering.RealVsShuffledAuc:F3}. Calibrate it: musiccluster " +
                    $"calibrate --model {outPath} --data {dataFolder} --window-bars {options.WindowBars}");
                return cancellation.IsCancellationRequested ? 130 : 0;
            }
            catch (OperationCanceledException)
            {
                error.WriteLine("stopped before the first critic step: nothing was written");
                return 130;
            }
            catch (Exception e) when (e is CheckpointFormatException or DatasetFormatException or ArgumentException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"error: {e.Message}");
                return CliRunner.UsageError;
            }
        }, CancellationToken.None));
        return command;
    }

    private static Option<int> Positive(Option<int> option)
    {
        option.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError($"{option.Name} must be at least 1"); });
        return option;
    }

    private static CriticFineTuningResult WithProgress(TextWriter error, CheckpointArchive archive, string source, int[][] train, int[][] heldOut,
        CriticFineTuningOptions options, string split, Action<CriticFineTuningEvaluation, CheckpointArchive> keep, CancellationToken cancellation)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(error) });
        CriticFineTuningResult? result = null;
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("critic", maxValue: Math.Max(1, options.Training.Steps));
                result = CriticFineTuning.Run(archive, source, train, heldOut, options,
                    // What $"..." compiles to, written out to wrap the line: one FormattableString, whose values Spectre escapes (a concatenation would be a string).
                    evaluated: e => console.MarkupLineInterpolated(FormattableStringFactory.Create(
                        "step {0}: {1} AUC real vs random {2:F3}, real vs bar-shuffled {3:F3} (W estimate {4:F3})",
                        e.Step, split, e.Ordering.RealVsRandomAuc, e.Ordering.RealVsShuffledAuc, e.WassersteinEstimate)),
                    stepCompleted: (step, _) => task.Value = step,
                    cancellation: cancellation,
                    bestChanged: keep);
            });
        return result!;
    }

    /// <summary>Writes the checkpoint and its record (length, SHA-256, metadata) so that LoadFile verifies it.</summary>
    private static CheckpointRecord Write(CheckpointArchive archive, string source, string outPath)
    {
        byte[] bytes = archive.ToBytes();
        string modelId = CheckpointScoringModelSource.IdsOf(source).ModelId;
        string sourceRecord = Path.ChangeExtension(source, ".json");
        if (File.Exists(sourceRecord) && JsonSerializer.Deserialize<CheckpointRecord>(File.ReadAllText(sourceRecord), RecordJson) is { } original)
            modelId = original.ModelId;
        string checkpointId = Path.GetFileNameWithoutExtension(outPath);
        var record = new CheckpointRecord(modelId, checkpointId, CheckpointStore.BlobOf(modelId, checkpointId), bytes.LongLength,
            BlobStoreExtensions.Sha256Hex(bytes), archive.Metadata);
        Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
        File.WriteAllBytes(outPath, bytes);
        File.WriteAllText(Path.ChangeExtension(outPath, ".json"), JsonSerializer.Serialize(record, RecordJson));
        return record;
    }

    private static readonly JsonSerializerOptions RecordJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
