using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MusicCluster.Music.Harmony;
using MusicCluster.Music.Models;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Scoring;
using MusicCluster.Music.Storage.Checkpoints;
using MusicCluster.Music.Training;

namespace MusicCluster.Cli.Commands;

/// <summary>
/// `harmonise melody.mid --out x.mid [--model harmony.ckpt] [--critic-model default.ckpt] [--candidates N] [--seed S]`:
/// writes alto, tenor and bass under a melody with the harmony model, the melody kept note for note, each bar the
/// best of N candidates by the chorale model's critic. Exit codes: 0 written, 2 bad melody, model or arguments, 130 cancelled.
/// </summary>
internal static class HarmoniseCommand
{
    public static Command Create(IScoringModelSource critics, PieceFiles files)
    {
        var melody = new Argument<string>("melody") { Description = "MIDI file holding the melody (one note at a time, inside the soprano's range C4-A5)" };
        var model = new Option<string?>("--model") { Description = "Harmony checkpoint (.ckpt, trained on `dataset import --tokenizer harmony` data; default: the shipped one)" };
        var criticModel = new Option<string?>("--critic-model") { Description = "Chorale model whose calibrated critic chooses among candidates (default: the shipped model)" };
        var candidates = CommonOptions.Candidates($"Critic-guided harmonisation: the best of N candidates per bar (1 = off; default {CriticGuidance.DefaultCandidates})");
        var temperature = CommonOptions.Temperature();
        var seed = new Option<long>("--seed") { Description = "Same seed, same models, same melody: the same harmonisation", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out") { Description = "MIDI file to write", Required = true };
        var json = CommonOptions.Json();
        var command = new Command("harmonise", "Harmonise a melody in four parts (alto, tenor and bass under it) and write it as MIDI")
            { melody, model, criticModel, candidates, temperature, seed, output, json };
        command.SetAction((parse, cancellation) => Task.Run(() =>
        {
            TextWriter stdout = parse.InvocationConfiguration.Output, stderr = parse.InvocationConfiguration.Error;
            try
            {
                string melodyPath = parse.GetValue(melody)!;
                if (!File.Exists(melodyPath)) throw new ArgumentException($"melody {Path.GetFullPath(melodyPath)} does not exist");
                Piece source;
                try
                {
                    source = files.Read(melodyPath);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    throw new ArgumentException($"melody {Path.GetFullPath(melodyPath)} cannot be read: {e.Message}");
                }
                var soprano = SopranoMelody.FromPiece(source);
                string modelPath = parse.GetValue(model) ?? ShippedModel.HarmonyCheckpointPath
                    ?? throw new ArgumentException("no harmony model ships with this build: pass --model <harmony.ckpt>");
                int perBar = parse.GetValue(candidates) ?? CriticGuidance.DefaultCandidates;
                var options = new SamplingOptions { Temperature = parse.GetValue(temperature), Seed = parse.GetValue(seed) };
                using var checkpoint = ModelCheckpoint.LoadFile(modelPath);
                options.EnsureValid(checkpoint.Generator.Config.VocabSize);
                using var critic = perBar > 1 ? critics.Load(parse.GetValue(criticModel)) : null;
                var harmonised = Harmoniser.Harmonise(checkpoint.Generator, checkpoint.Info.Vocabulary, soprano, options, perBar, critic?.Scorer.Windows,
                    cancellation: cancellation);
                string outPath = Path.GetFullPath(parse.GetValue(output)!);
                files.Write(harmonised.Piece with
                {
                    Metadata = harmonised.Piece.Metadata with
                    {
                        Title = $"{Path.GetFileNameWithoutExtension(melodyPath)}, harmonised (seed {options.Seed})",
                        Provenance = new Provenance
                        {
                            ModelId = ShippedModel.HarmonyModelId,
                            CheckpointId = Path.GetFileNameWithoutExtension(modelPath),
                            Seed = options.Seed,
                            Parameters = new Dictionary<string, string>
                            {
                                ["melody"] = Path.GetFileName(melodyPath),
                                ["temperature"] = options.Temperature.ToString(CultureInfo.InvariantCulture),
                                ["candidates"] = perBar.ToString(CultureInfo.InvariantCulture),
                            },
                            CreatedAt = DateTimeOffset.UtcNow,
                        },
                    },
                }, outPath);
                var summary = new HarmoniseSummary(outPath, Path.GetFullPath(modelPath), soprano.Notes.Count, soprano.Bars, harmonised.Piece.Notes.Count,
                    harmonised.Complete, options.Seed, perBar, harmonised.Bars.Select(b => b.CandidateScores[b.Chosen]).ToArray());
                if (parse.GetValue(json)) stdout.WriteLine(JsonSerializer.Serialize(summary, CliJson.Options));
                else stdout.WriteLine($"Wrote {outPath}: {summary.MelodyNotes} melody notes harmonised in {summary.Notes} notes over {summary.Bars} bars " +
                    $"(seed {summary.Seed}, {summary.Candidates} candidate(s) per bar)" + (harmonised.Complete ? "" : " -- cut before the melody's end"));
                return 0;
            }
            catch (OperationCanceledException)
            {
                stderr.WriteLine("cancelled: nothing was written");
                return 130;
            }
            catch (Exception e) when (e is ArgumentException or ScoringModelLoadException or CheckpointFormatException or InvalidConfigException or IOException
                or UnauthorizedAccessException)
            {
                stderr.WriteLine($"error: {e.Message}");
                return CliRunner.UsageError;
            }
        }, CancellationToken.None));
        return command;
    }

    internal sealed record HarmoniseSummary(string Out, string Model, int MelodyNotes, int Bars, int Notes, bool Complete, long Seed, int Candidates,
        double[] ChosenBarScores);
}
