using System.CommandLine;
using System.Text.Json;
using System.Text.RegularExpressions;
using MusicCluster.Music.Data;
using MusicCluster.Music.Models;
using MusicCluster.Music.Storage;
using MusicCluster.Music.Storage.Checkpoints;
using MusicCluster.Music.Training;
using Spectre.Console;

namespace MusicCluster.Cli.Commands;

/// <summary>
/// `train --data DIR [--config run.json] [--steps N] [--minutes M] --out DIR [--resume] [--json]`: trains a
/// generator (MLE, then WGAN-GP when the config asks for adversarial steps). --out is a local blob store root:
/// checkpoints go to models/{modelId}/step-NNNNNNNNN.ckpt (+ .json). Exit codes: 0 done or limit reached,
/// 2 bad arguments, config, data or checkpoint, 130 stopped by Ctrl-C (a checkpoint is saved first; --resume continues).
/// </summary>
internal static partial class TrainCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Dataset folder (from `dataset import` or `dataset synth`)", Required = true };
        var config = new Option<string?>("--config") { Description = "Run config JSON (architecture and hyperparameters); default: a small model for the dataset's vocabulary" };
        var steps = new Option<long?>("--steps") { Description = "Train at most this many steps in this invocation (default: to the config's last step)" };
        steps.Validators.Add(r => { if (r.GetValueOrDefault<long?>() is < 1) r.AddError("--steps must be at least 1"); });
        var minutes = new Option<double?>("--minutes") { Description = "Stop after this many minutes (a checkpoint is saved)" };
        minutes.Validators.Add(r => { if (r.GetValueOrDefault<double?>() is double m && !(m > 0 && double.IsFinite(m))) r.AddError("--minutes must be a positive number"); });
        var output = new Option<string>("--out") { Description = "Output folder (a local blob store): checkpoints go to models/{modelId}/", Required = true };
        var resume = new Option<bool>("--resume") { Description = "Continue from the newest checkpoint in --out (with its config)" };
        var mleSteps = new Option<int?>("--mle-steps") { Description = "With --resume: a new length for the MLE schedule (still running), to lengthen or shorten it" };
        var initFrom = new Option<string?>("--init-from")
        {
            Description = "A new run whose models start from this checkpoint file's weights (same architecture; " +
                "fresh optimizer and schedule from --config, or the checkpoint's own)"
        };
        var threads = new Option<int?>("--threads") { Description = "libtorch CPU threads (default: OMP_NUM_THREADS, else half the cores, at least 1)" };
        threads.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 1 or > 256) r.AddError("--threads must be from 1 to 256"); });
        var json = CommonOptions.Json();
        var command = new Command("train", "Train a Transformer generator (MLE pre-training, then optional WGAN-GP fine-tuning) on a token dataset")
            { data, config, steps, minutes, output, resume, mleSteps, initFrom, threads, json };
        command.SetAction((parse, cancellation) => Task.Run(() => Run(parse, new Arguments(
            parse.GetValue(data)!, parse.GetValue(config), parse.GetValue(steps), parse.GetValue(minutes), parse.GetValue(output)!,
            parse.GetValue(resume), parse.GetValue(mleSteps), parse.GetValue(initFrom), parse.GetValue(threads), parse.GetValue(json)), cancellation)));
        return command;
    }

    private sealed record Arguments(string Data, string? Config, long? Steps, double? Minutes, string Out, bool Resume, int? MleSteps, string? InitFrom, int? Threads, bool Json);

    /// <summary>What `train --json` prints.</summary>
    internal sealed record TrainSummary(string ModelId, long Step, long TotalSteps, string Stop, string? Checkpoint, string? CheckpointPath,
        double? ValidNll, double? MleLoss, double? TokensPerSecond, string VocabularyVersion);

    private static int Run(ParseResult parse, Arguments arguments, CancellationToken cancellation)
    {
        TextWriter output = parse.InvocationConfiguration.Output, error = parse.InvocationConfiguration.Error;
        try
        {
            if (arguments.Threads is int n) Music.Runtime.TorchThreads.Use(n);
            string outFolder = Path.GetFullPath(arguments.Out);
            var data = TrainingData.Load(arguments.Data);
            var store = new CheckpointStore(new LocalFolderBlobStore(outFolder));
            if (arguments.MleSteps is not null && !arguments.Resume)
                throw new UsageException("--mle-steps changes a resumed run's schedule: use it with --resume (a new run takes mleSteps from --config)");
            if (arguments.InitFrom is not null && arguments.Resume)
                throw new UsageException("--init-from starts a new run from a checkpoint's weights; --resume continues a run: use one of them");
            var (trainer, modelId) = arguments.Resume ? Resume(store, outFolder, data, arguments) : Start(data, arguments);
            using (trainer)
            {
                TrainingResult result = arguments.Json
                    ? trainer.Run(store, modelId, arguments.Steps, Duration(arguments), cancellation)
                    : WithProgress(error, trainer, store, modelId, arguments, cancellation);
                var last = result.Metrics.Count > 0 ? result.Metrics[^1] : null;
                var checkpoint = result.Checkpoints.Count > 0 ? result.Checkpoints[^1] : null;
                var summary = new TrainSummary(modelId, result.Step, trainer.Config.TotalSteps, result.Stop.ToString().ToLowerInvariant(),
                    checkpoint?.Blob, checkpoint is null ? null : Path.Combine(outFolder, checkpoint.Blob), result.LastValidNll,
                    last?.MleLoss, last?.TokensPerSecond, data.Vocabulary.Version);
                if (arguments.Json) output.WriteLine(JsonSerializer.Serialize(summary, CliJson.Options));
                else Print(output, summary);
                if (result.Stop == TrainingStop.Cancelled)
                {
                    error.WriteLine("stopped: the last checkpoint is saved; continue with --resume");
                    return 130;
                }
                return 0;
            }
        }
        catch (InvalidConfigException e)
        {
            // One line per wrong field, each naming it as the JSON does (model.heads, batchSize...).
            error.WriteLine("error: the run config is invalid:");
            foreach (var field in e.Errors) error.WriteLine($"  {field.Field}: {field.Message}");
            return CliRunner.UsageError;
        }
        catch (Exception e) when (e is UsageException or DatasetFormatException or CheckpointFormatException or FileNotFoundException
            or DirectoryNotFoundException or IOException or UnauthorizedAccessException or InvalidBlobNameException
            // The trainer refuses unusable data with an ArgumentException that says what is wrong (e.g. fewer tokens than one window).
            or ArgumentException)
        {
            error.WriteLine($"error: {e.Message}");
            return CliRunner.UsageError;
        }
    }

    private static TimeSpan? Duration(Arguments arguments) => arguments.Minutes is double m ? TimeSpan.FromMinutes(m) : null;

    private static (Trainer, string) Start(TrainingData data, Arguments arguments)
    {
        RunConfig config;
        if (arguments.Config is { } path)
        {
            if (!File.Exists(path)) throw new UsageException($"config file {Path.GetFullPath(path)} does not exist");
            config = RunConfig.FromJson(File.ReadAllText(path));
        }
        else
        {
            config = RunConfig.DefaultFor(data.Vocabulary);
        }
        string modelId = $"{SafeId().Replace(data.Dataset.Id, "-").Trim('-', '.')}-{DateTime.UtcNow:yyyyMMdd-HHmmss}";
        if (arguments.InitFrom is { } initPath)
        {
            if (!File.Exists(initPath)) throw new UsageException($"--init-from: checkpoint file {Path.GetFullPath(initPath)} does not exist");
            // LoadFile verifies the .json record's length and SHA-256 before anything is trained; StartFrom the tokens.
            var checkpoint = ModelCheckpoint.LoadFile(initPath);
            if (arguments.Config is null) config = checkpoint.Info.RunConfig;
            config.EnsureValid(data.Vocabulary);
            try
            {
                return (Trainer.StartFrom(checkpoint, Path.GetFullPath(initPath), config, data.Vocabulary, data.Train, data.Valid, data.Dataset), modelId);
            }
            catch (ArgumentException e)
            {
                checkpoint.Dispose();
                throw new UsageException($"--init-from {initPath}: {e.Message}");
            }
        }
        config.EnsureValid(data.Vocabulary);
        return (new Trainer(config, data.Vocabulary, data.Train, data.Valid, data.Dataset), modelId);
    }

    private static (Trainer, string) Resume(CheckpointStore store, string outFolder, TrainingData data, Arguments arguments)
    {
        if (arguments.Config is not null) throw new UsageException("--config cannot be combined with --resume: a resumed run keeps its checkpoint's config");
        var records = new List<CheckpointRecord>();
        string models = Path.Combine(outFolder, "models");
        if (Directory.Exists(models))
            foreach (string modelFolder in Directory.GetDirectories(models))
                records.AddRange(store.ListAsync(Path.GetFileName(modelFolder)).GetAwaiter().GetResult());
        var newest = records.OrderBy(r => r.Metadata["createdAt"]?.GetValue<string>(), StringComparer.Ordinal).ThenBy(r => r.CheckpointId, StringComparer.Ordinal).LastOrDefault()
            ?? throw new UsageException($"--resume: {outFolder} holds no checkpoint (models/*/*.ckpt) to continue from");
        var archive = store.LoadAsync(newest.ModelId, newest.CheckpointId).GetAwaiter().GetResult();
        var checkpoint = ModelCheckpoint.Unpack(archive, newest.Blob, data.Vocabulary);
        return (Trainer.Resume(checkpoint, newest.Blob, data.Vocabulary, data.Train, data.Valid, data.Dataset, arguments.MleSteps), newest.ModelId);
    }

    private static TrainingResult WithProgress(TextWriter error, Trainer trainer, CheckpointStore store, string modelId, Arguments arguments, CancellationToken cancellation)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(error) });
        long first = trainer.Step;
        long last = Math.Min(trainer.Config.TotalSteps, arguments.Steps is long s ? first + s : long.MaxValue);
        TrainingResult? result = null;
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask($"step {first}", maxValue: Math.Max(1, last - first));
                trainer.StepCompleted += m =>
                {
                    task.Value = m.Step + 1 - first;
                    string valid = m.ValidNll is double v ? $" valid {v:F3}" : "";
                    string adversarial = m.Wasserstein is double w ? $" W {w:F3}" : "";
                    task.Description = $"step {m.Step + 1} {m.Phase.ToString().ToLowerInvariant()} loss {m.MleLoss:F3}{adversarial}{valid} {m.TokensPerSecond:F0} tok/s";
                };
                trainer.LogLine += line => console.MarkupLine(Markup.Escape(line));
                result = trainer.Run(store, modelId, arguments.Steps, Duration(arguments), cancellation);
            });
        return result!;
    }

    private static void Print(TextWriter writer, TrainSummary summary)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        console.MarkupLine($"Model [bold]{Markup.Escape(summary.ModelId)}[/]: step {summary.Step} of {summary.TotalSteps} ({Markup.Escape(summary.Stop)})");
        if (summary.ValidNll is double nll) console.MarkupLine($"Valid NLL {nll:F4} nats/token");
        if (summary.CheckpointPath is { } path) console.MarkupLine($"Checkpoint {Markup.Escape(path)}");
    }

    [GeneratedRegex("[^A-Za-z0-9_-]+")]
    private static partial Regex SafeId();

    private sealed class UsageException(string message) : Exception(message);
}
