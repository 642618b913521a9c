using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Storage;
using MusicCluster.Music.Training;
using Spectre.Console;

namespace MusicCluster.Cli.Commands;

/// <summary>
/// `library seed --count N --out DATA [--bars B] [--batch-size S] [--model CKPT] [--threads T] [--author ...] [--json]`:
/// generates the starter library ahead of time into a data folder (the Client's MusicCluster:DataPath): pieces
/// starter-0000 .. starter-{N-1} as library-seed/{id}.mid + .json, scored with the model's critic. At its next start
/// the web site adds them to its library instead of generating them itself. Pieces already there are kept, so an
/// interrupted run continues. Exit codes: 0 written, 2 bad arguments or model, 130 cancelled (what was written stays).
/// </summary>
internal static class LibraryCommand
{
    internal sealed record SeedSummary(string Out, string ModelId, string CheckpointId, int Count, int Generated, int AlreadyThere, double Seconds,
        double PiecesPerMinute, double? MeanScore);

    public static Command Create(IScoringModelSource models)
    {
        var library = new Command("library", "The web site's library of generated pieces");
        library.Subcommands.Add(CreateSeed(models));
        return library;
    }

    private static Command CreateSeed(IScoringModelSource models)
    {
        var count = new Option<int>("--count") { Description = "How many starter pieces the library should have", DefaultValueFactory = _ => 300 };
        count.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 100_000) r.AddError("--count must be from 1 to 100000"); });
        var output = new Option<string>("--out") { Description = "Data folder of the web site (its MusicCluster:DataPath)", Required = true };
        var bars = new Option<int>("--bars") { Description = "Bars per piece", DefaultValueFactory = _ => 8 };
        bars.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 64) r.AddError("--bars must be from 1 to 64"); });
        var batch = new Option<int>("--batch-size") { Description = "Pieces sampled together (faster per piece, more memory)", DefaultValueFactory = _ => 16 };
        batch.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 256) r.AddError("--batch-size must be from 1 to 256"); });
        var model = new Option<string?>("--model") { Description = "Checkpoint with a critic and its calibration (default: the shipped model)" };
        var threads = new Option<int?>("--threads") { Description = "libtorch CPU threads (default: OMP_NUM_THREADS, else half the cores, at least 1)" };
        threads.Validators.Add(r => { if (r.GetValueOrDefault<int?>() is < 1 or > 256) r.AddError("--threads must be from 1 to 256"); });
        var author = new Option<string?>("--author") { Description = "Author written into each piece's provenance (default: the site's MusicCluster:Author)" };
        var adviser = new Option<string?>("--adviser") { Description = "Adviser for the provenance (default: the site's)" };
        var organisation = new Option<string?>("--organisation") { Description = "Organisation for the provenance (default: the site's)" };
        var licence = new Option<string?>("--licence") { Description = "Licence text for the provenance (default: the site's)" };
        var candidates = CommonOptions.Candidates(
            $"Critic-guided sampling: the best of N continuations per bar (1 = plain batched sampling; default {CriticGuidance.DefaultCandidates})");
        var json = CommonOptions.Json();
        var command = new Command("seed", "Generate the starter library into a data folder; the web site adds it at its next start")
            { count, output, bars, batch, model, threads, candidates, author, adviser, organisation, licence, json };
        command.SetAction((parse, cancellation) => Task.Run(async () =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output, stderr = parse.InvocationConfiguration.Error;
            string outPath = Path.GetFullPath(parse.GetValue(output)!);
            try
            {
                if (parse.GetValue(threads) is int n) Music.Runtime.TorchThreads.Use(n);
                var store = new StarterPieceStore(new LocalFolderBlobStore(outPath));
                int total = parse.GetValue(count);
                var existing = (await store.ListIdsAsync(cancellation)).ToHashSet(StringComparer.Ordinal);
                var missing = Enumerable.Range(0, total).Where(i => !existing.Contains(StarterPieceGenerator.IdOf(i))).ToList();
                using ScoringModel loaded = models.Load(parse.GetValue(model));
                var generator = new StarterPieceGenerator(loaded, new StarterPieceOptions
                {
                    Bars = parse.GetValue(bars),
                    BatchSize = parse.GetValue(batch),
                    Candidates = parse.GetValue(candidates) ?? CriticGuidance.DefaultCandidates
                });
                var clock = Stopwatch.StartNew();
                var scores = new List<double>();
                var write = (StarterPiece piece) => store.WriteAsync(piece, parse.GetValue(author), parse.GetValue(adviser), parse.GetValue(organisation),
                    parse.GetValue(licence), CancellationToken.None);
                if (parse.GetValue(json))
                    foreach (StarterPiece piece in generator.Generate(missing, cancellation)) { await write(piece); scores.Add(piece.Score.Overall); }
                else
                    await WithProgressAsync(stderr, generator, missing, total - missing.Count, total, write, scores, cancellation);
                double seconds = clock.Elapsed.TotalSeconds;
                var summary = new SeedSummary(outPath, loaded.ModelId, loaded.CheckpointId, total, missing.Count, total - missing.Count, Math.Round(seconds, 1),
                    missing.Count == 0 ? 0 : Math.Round(missing.Count / seconds * 60, 1), scores.Count == 0 ? null : Math.Round(scores.Average(), 1));
                if (parse.GetValue(json)) stdout.WriteLine(JsonSerializer.Serialize(summary, CliJson.Options));
                else stdout.WriteLine($"{outPath}: {total} starter pieces ({summary.Generated} generated in {summary.Seconds:0.#} s, " +
                    $"{summary.PiecesPerMinute:0.#} a minute; {summary.AlreadyThere} already there). Start the web site with MusicCluster:DataPath={outPath}.");
                return 0;
            }
            catch (OperationCanceledException)
            {
                stderr.WriteLine($"cancelled: the pieces written so far stay in {outPath}; run again to continue");
                return 130;
            }
            catch (Exception e) when (e is ScoringModelLoadException or ArgumentException or IOException or UnauthorizedAccessException or InvalidDataException)
            {
                stderr.WriteLine($"error: {e.Message}");
                return CliRunner.UsageError;
            }
        }, CancellationToken.None));
        return command;
    }

    private static async Task WithProgressAsync(TextWriter error, StarterPieceGenerator generator, IReadOnlyList<int> missing, int already, int total,
        Func<StarterPiece, Task> write, List<double> scores, CancellationToken cancellation)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(error) });
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"starter pieces {already} of {total}", maxValue: total);
                task.Value = already;
                foreach (StarterPiece piece in generator.Generate(missing, cancellation))
                {
                    await write(piece);
                    scores.Add(piece.Score.Overall);
                    task.Increment(1);
                    task.Description = $"starter pieces {(int)task.Value} of {total}";
                }
            });
    }
}
