using System.CommandLine;
using System.Text.Json;
using MusicCluster.Music.Data;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Cli.Commands;

/// <summary>
/// `score <files...> [--model <ckpt>] [--json]`: each MIDI file's critic score (0-100) overall and per bar, with the
/// model that gave them. Exit code 0 when every file was scored; 2 when the model or a file could not be used
/// (the other files are still scored and printed).
/// </summary>
internal static class ScoreCommand
{
    public sealed record FileScore(string Path, double Score, IReadOnlyList<double> Bars, double RawScore);

    public sealed record ScoreOutput(ModelInfo Model, IReadOnlyList<FileScore> Files, IReadOnlyList<FileError> Errors);

    public sealed record ModelInfo(string Id, string Checkpoint, string Vocabulary, int WindowBars);

    public sealed record FileError(string Path, string Error);

    /// <param name="models">Loads the scoring model (checkpoints in the real tool, in-memory models in tests).</param>
    /// <param name="midiReader">Reads a MIDI file; null in a build without a MIDI reader (every file then fails with exit code 2).</param>
    public static Command Create(IScoringModelSource models, IPieceReader? midiReader)
    {
        var files = new Argument<string[]>("files") { Description = "MIDI files to score", Arity = ArgumentArity.OneOrMore };
        var model = new Option<string?>("--model") { Description = "Model checkpoint (path or id); default: the shipped model" };
        var json = CommonOptions.Json();
        var command = new Command("score", "Score MIDI files with the critic: 0-100 overall and per bar (percentile among real music)") { files, model, json };
        command.SetAction((parse, cancellation) => Task.FromResult(Run(parse, models, midiReader, parse.GetValue(files)!, parse.GetValue(model), parse.GetValue(json),
            cancellation)));
        return command;
    }

    private static int Run(ParseResult parse, IScoringModelSource models, IPieceReader? midiReader, string[] paths, string? modelName, bool json, CancellationToken cancellation)
    {
        TextWriter output = parse.InvocationConfiguration.Output, error = parse.InvocationConfiguration.Error;
        ScoringModel loaded;
        ITokenizer tokenizer;
        try
        {
            loaded = models.Load(modelName);
            try { tokenizer = TokenizerFactory.FromVocabulary(loaded.Vocabulary); }
            catch
            {
                loaded.Dispose();
                throw;
            }
        }
        catch (Exception e) when (e is ScoringModelLoadException or FormatException)
        {
            // FormatException: a calibration or vocabulary this build cannot use.
            error.WriteLine($"error: {e.Message}");
            return CliRunner.UsageError;
        }
        using (loaded)
        {
            var scores = new List<FileScore>();
            var errors = new List<FileError>();
            foreach (string path in paths)
            {
                cancellation.ThrowIfCancellationRequested();
                string full = Path.GetFullPath(path);
                try
                {
                    if (!File.Exists(full)) throw new FileNotFoundException($"{full} does not exist");
                    if (midiReader is null) throw new InvalidOperationException("this build has no MIDI reader, so MIDI files cannot be scored");
                    var piece = midiReader.Read(full);
                    var score = loaded.Scorer.Score(tokenizer.Encode(piece));
                    scores.Add(new FileScore(path, Math.Round(score.Overall, 2), score.Bars.Select(b => Math.Round(b, 2)).ToArray(), score.RawOverall));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // One bad file (unreadable, too long for the tokenizer...) does not stop the others.
                    errors.Add(new FileError(path, e.Message));
                    error.WriteLine($"error: {path}: {e.Message}");
                }
            }
            var result = new ScoreOutput(new ModelInfo(loaded.ModelId, loaded.CheckpointId, loaded.Vocabulary.Version, loaded.Options.WindowBars), scores, errors);
            if (json) output.WriteLine(JsonSerializer.Serialize(result, CliJson.Options));
            else Print(output, result);
            return errors.Count == 0 ? 0 : CliRunner.UsageError;
        }
    }

    private static void Print(TextWriter writer, ScoreOutput result)
    {
        writer.WriteLine($"model {result.Model.Id} checkpoint {result.Model.Checkpoint} (bars scored in windows of {result.Model.WindowBars})");
        foreach (var file in result.Files)
            writer.WriteLine($"{file.Score,6:F1}  {file.Path}  bars: {string.Join(' ', file.Bars.Select(b => b.ToString("F0")))}");
    }
}
