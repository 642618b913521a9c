using System.CommandLine;
using System.Text.Json;
using MusicCluster.Music.Data;
using Spectre.Console;

namespace MusicCluster.Cli.Commands;

/// <summary>
/// `dataset import` (a MIDI folder or the JSB Chorales JSON) and `dataset synth` (the synthetic corpus): write token
/// shards and manifest.json to a new folder. Exit code 0 on success, 2 for bad arguments, paths or input files.
/// </summary>
internal static class DatasetCommand
{
    /// <param name="midiReader">Reads one MIDI file for folder imports; null in a build without a MIDI reader,
    /// where `--format midi` exits with code 2 and says so.</param>
    public static Command Create(IPieceReader? midiReader)
    {
        var command = new Command("dataset", "Make token datasets: import MIDI folders or the JSB Chorales, or write the synthetic corpus");
        command.Subcommands.Add(CreateImport(midiReader));
        command.Subcommands.Add(CreateSynth());
        return command;
    }

    private static Option<TokenizerChoice?> TokenizerOption() => new("--tokenizer")
    {
        HelpName = "event|grid|harmony",
        Description = "event (any music), grid (JSB four-voice grid, Music Transformer serialization) or harmony (the grid " +
            "with the soprano a bar ahead, for harmonisation models); default: grid for jsb, event otherwise",
        CustomParser = result => result.Tokens.Single().Value switch
        {
            "event" => TokenizerChoice.Event,
            "grid" => TokenizerChoice.Grid,
            "harmony" => TokenizerChoice.Harmony,
            var other => Fail(result, $"--tokenizer must be event, grid or harmony, not '{other}'"),
        },
    };

    private static TokenizerChoice? Fail(System.CommandLine.Parsing.ArgumentResult result, string message)
    {
        result.AddError(message);
        return null;
    }

    private static Option<int> StepsOption() => new("--steps-per-quarter")
    {
        HelpName = "4|8|12|...|48",
        Description = "Grid of the event tokenizer: 4 = 1/16 notes, 12 = 1/48 (triplets); a multiple of 4 up to 48",
        DefaultValueFactory = _ => 4,
        Validators = { result => { if (result.GetValueOrDefault<int>() is var steps && (steps < 4 || steps > 48 || steps % 4 != 0))
            result.AddError("--steps-per-quarter must be a multiple of 4 from 4 to 48"); } },
    };

    private static Option<string> OutOption() => new("--out") { Description = "New (or empty) folder for the dataset", Required = true };

    private static Command CreateImport(IPieceReader? midiReader)
    {
        var path = new Argument<string>("path") { Description = "A folder of .mid/.midi files (searched recursively) or a JSB Chorales JSON file" };
        var format = new Option<string>("--format") { Description = "midi or jsb", Required = true };
        format.AcceptOnlyFromAmong("midi", "jsb");
        var output = OutOption();
        var augment = new Option<bool>("--augment") { Description = "Add transposed copies (-5..+6 semitones) of the train split" };
        var tokenizer = TokenizerOption();
        var steps = StepsOption();
        var json = CommonOptions.Json();
        var command = new Command("import", "Import a MIDI folder or the JSB Chorales JSON as a token dataset") { path, format, output, augment, tokenizer, steps, json };
        command.SetAction((parse, cancellationToken) =>
        {
            bool jsb = parse.GetValue(format) == "jsb";
            var options = new ImportOptions
            {
                Tokenizer = parse.GetValue(tokenizer) ?? (jsb ? TokenizerChoice.Grid : TokenizerChoice.Event),
                StepsPerQuarter = parse.GetValue(steps),
                Augment = parse.GetValue(augment),
            };
            string source = FullPath(parse.GetValue(path)!), outFolder = FullPath(parse.GetValue(output)!);
            return Task.FromResult(Run(parse, parse.GetValue(json), outFolder, progress =>
            {
                if (source.Length == 0) throw new UsageException("the input path is empty or not a usable path");
                if (jsb)
                {
                    if (!File.Exists(source)) throw new UsageException(Directory.Exists(source) ? $"{source} is a folder; --format jsb needs the JSB JSON file"
                        : $"JSB file {source} does not exist");
                    return DatasetImporter.ImportJsb(source, outFolder, options, progress, cancellationToken);
                }
                if (!Directory.Exists(source)) throw new UsageException(File.Exists(source) ? $"{source} is a file; --format midi needs a folder of MIDI files"
                    : $"MIDI folder {source} does not exist");
                if (midiReader is null) throw new UsageException("this build has no MIDI reader, so --format midi is not available");
                return DatasetImporter.ImportMidiFolder(source, outFolder, midiReader, options, progress, cancellationToken);
            }));
        });
        return command;
    }

    private static Command CreateSynth()
    {
        var count = new Option<int>("--count") { Description = "Number of pieces", Required = true };
        count.Validators.Add(result => { if (result.GetValueOrDefault<int>() < 1) result.AddError("--count must be at least 1"); });
        var seed = new Option<long>("--seed") { Description = "Seed: the same seed gives the same pieces", DefaultValueFactory = _ => 1 };
        var output = OutOption();
        var augment = new Option<bool>("--augment") { Description = "Add transposed copies (-5..+6 semitones) of the train split" };
        var tokenizer = TokenizerOption();
        var steps = StepsOption();
        var json = CommonOptions.Json();
        var command = new Command("synth", "Write the deterministic synthetic corpus (chorales, melodies with accompaniment, waltzes) as a token dataset")
            { count, seed, output, augment, tokenizer, steps, json };
        command.SetAction((parse, cancellationToken) =>
        {
            var options = new ImportOptions
            {
                Tokenizer = parse.GetValue(tokenizer) ?? TokenizerChoice.Event,
                StepsPerQuarter = parse.GetValue(steps),
                Augment = parse.GetValue(augment),
            };
            string outFolder = FullPath(parse.GetValue(output)!);
            return Task.FromResult(Run(parse, parse.GetValue(json), outFolder,
                progress => DatasetImporter.WriteSynthetic(parse.GetValue(count), parse.GetValue(seed), outFolder, options, progress, cancellationToken)));
        });
        return command;
    }

    /// <summary>An absolute path, or "" for a path the OS cannot use (refused in <see cref="Run"/> with exit code 2).</summary>
    private static string FullPath(string path)
    {
        try { return string.IsNullOrWhiteSpace(path) ? "" : Path.GetFullPath(path); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException) { return ""; }
    }

    /// <summary>Runs an import with a progress bar on stderr (none with --json), prints the summary, maps errors to exit codes.</summary>
    private static int Run(ParseResult parse, bool json, string outFolder, Func<IProgress<ImportProgress>?, DatasetManifest> import)
    {
        TextWriter output = parse.InvocationConfiguration.Output, error = parse.InvocationConfiguration.Error;
        DatasetManifest manifest;
        if (outFolder.Length == 0)
        {
            error.WriteLine("error: a path given is empty or not a usable path");
            return CliRunner.UsageError;
        }
        try
        {
            manifest = json ? import(null) : WithProgress(error, import);
        }
        catch (Exception e) when (e is UsageException or DatasetFormatException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: {e.Message}");
            return CliRunner.UsageError;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("cancelled: nothing was written");
            return 130;
        }

        var summary = DatasetSummary.From(outFolder, manifest);
        if (json) output.WriteLine(JsonSerializer.Serialize(summary, CliJson.Options));
        else Print(output, summary);
        return 0;
    }

    private static DatasetManifest WithProgress(TextWriter error, Func<IProgress<ImportProgress>?, DatasetManifest> import)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(error) });
        DatasetManifest? manifest = null;
        console.Progress().AutoClear(true).Start(context =>
        {
            var task = context.AddTask("importing", maxValue: 1);
            manifest = import(new SpectreProgress(task));
        });
        return manifest!;
    }

    /// <summary>Feeds importer progress to a Spectre task (reports arrive on the importing thread, which Spectre allows).</summary>
    private sealed class SpectreProgress(ProgressTask task) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value)
        {
            task.MaxValue = Math.Max(1, value.Total);
            task.Value = value.Done;
            task.Description = value.Current.Length == 0 ? "done" : Markup.Escape(value.Current.Length > 40 ? "…" + value.Current[^39..] : value.Current);
        }
    }

    private static void Print(TextWriter writer, DatasetSummary summary)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        console.MarkupLine($"Dataset [bold]{Markup.Escape(summary.Output)}[/] from {Markup.Escape(summary.SourceKind)} {Markup.Escape(summary.SourcePath)}");
        console.MarkupLine($"Tokenizer {Markup.Escape(summary.Tokenizer)}, vocabulary {Markup.Escape(summary.VocabularyVersion)} ({summary.VocabularySize} tokens)");
        var table = new Table().AddColumn("Split").AddColumn("Source pieces").AddColumn("Sequences").AddColumn("Tokens").AddColumn("Shards");
        foreach (var split in summary.Splits)
            table.AddRow(split.Name, split.SourcePieces.ToString(), split.Pieces.ToString(), split.Tokens.ToString("N0"), split.Shards.ToString());
        console.Write(table);
        if (summary.SkippedCount == 0) return;
        console.MarkupLine($"[yellow]{summary.SkippedCount} skipped[/] (all listed in manifest.json):");
        foreach (var skipped in summary.Skipped.Take(10)) console.MarkupLine($"  {Markup.Escape(skipped.Path)}: {Markup.Escape(skipped.Reason)}");
    }

    /// <summary>A bad path or option found while running; reported with exit code 2.</summary>
    private sealed class UsageException(string message) : Exception(message);
}
