using System.CommandLine;
using System.Text.Json;
using MusicCluster.Music.Data;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Cli.Commands;

/// <summary>
/// `reference --data DATASET --out FILE [--split train] [--bars 8] [--json]`: computes the objective metrics of a
/// data set's real pieces, cut into excerpts of the given number of bars, and writes their distributions (aggregated
/// figures only, never the pieces) as the reference a model ships with ({checkpoint}.reference.json), which the web
/// site's piece page compares each piece against. Exit codes: 0 written, 2 bad arguments or data set.
/// </summary>
internal static class ReferenceCommand
{
    internal sealed record ReferenceSummary(string Out, string Source, string Split, int Pieces, int Excerpts, int ExcerptBars, int Metrics);

    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Dataset folder (from `dataset import`)", Required = true };
        var output = new Option<string>("--out") { Description = "Reference file to write, e.g. models/x/step-100.reference.json", Required = true };
        var split = new Option<string>("--split") { Description = "Split of real pieces to describe", DefaultValueFactory = _ => "train" };
        var bars = new Option<int>("--bars") { Description = "Bars per excerpt: the length of the pieces that will be compared", DefaultValueFactory = _ => 8 };
        bars.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 1024) r.AddError("--bars must be from 1 to 1024"); });
        var json = CommonOptions.Json();
        var command = new Command("reference", "Write the objective-metric distributions of a data set's real pieces (the reference pieces are compared with)")
            { data, output, split, bars, json };
        command.SetAction((parse, cancellation) => Task.Run(() =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output, stderr = parse.InvocationConfiguration.Error;
            try
            {
                string folder = parse.GetValue(data)!, splitName = parse.GetValue(split)!;
                var dataset = TokenDataset.Open(folder);
                DatasetSource origin = dataset.Manifest.Source;
                // The file name and hash identify the source without exposing where it sat on the machine that made it.
                string source = $"{origin.Kind} {Path.GetFileName(origin.Path.TrimEnd('/', '\\'))}" + (origin.Sha256 is { } sha ? $" sha256:{sha}" : "");
                var pieces = dataset.ReadPieces(splitName).Select(p => { cancellation.ThrowIfCancellationRequested(); return p.Piece; });
                ReferenceMetrics reference = ReferenceMetrics.Compute(pieces, source, splitName, parse.GetValue(bars));
                string outPath = Path.GetFullPath(parse.GetValue(output)!);
                Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
                File.WriteAllText(outPath + ".partial", reference.ToJson());
                File.Move(outPath + ".partial", outPath, overwrite: true);
                var summary = new ReferenceSummary(outPath, source, splitName, reference.Pieces, reference.Excerpts, reference.ExcerptBars, reference.Scalars.Count);
                if (parse.GetValue(json)) stdout.WriteLine(JsonSerializer.Serialize(summary, CliJson.Options));
                else stdout.WriteLine($"Wrote {outPath}: {summary.Metrics} metrics over {summary.Excerpts} excerpts " +
                    $"of {summary.ExcerptBars} bars from {summary.Pieces} {splitName} pieces");
                return 0;
            }
            catch (OperationCanceledException)
            {
                stderr.WriteLine("cancelled: nothing was written");
                return 130;
            }
            catch (Exception e) when (e is DatasetFormatException or ArgumentException or IOException or UnauthorizedAccessException
                or TokenDecodeException or InvalidDataException)
            {
                stderr.WriteLine($"error: {e.Message}");
                return CliRunner.UsageError;
            }
        }, CancellationToken.None));
        return command;
    }
}
