using System.Text.Json;
using MusicCluster.Cli.Commands;
using MusicCluster.Music.Midi;
using MusicCluster.Music.Pieces;

namespace MusicCluster.Cli.Tests;

/// <summary>`generate` from a checkpoint trained by `train`: exit codes and what is written (captured in memory here).</summary>
public sealed class GenerateCommandTests : IDisposable
{
    private readonly string folder = RepositoryPaths.NewTempFolder("cli-generate");

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private async Task<string> TrainTinyModelAsync()
    {
        string data = await TrainCommandTests.SynthesizeAsync(folder);
        string config = Path.Combine(folder, "run.json");
        File.WriteAllText(config, TrainCommandTests.TinyConfig(mleSteps: 10));
        var trained = await CliHarness.RunAsync("train", "--data", data, "--config", config, "--out", Path.Combine(folder, "out"), "--json", "--threads", "1");
        Assert.True(trained.ExitCode == 0, trained.Error);
        using var summary = JsonDocument.Parse(trained.Output);
        return summary.RootElement.GetProperty("checkpointPath").GetString()!;
    }

    [Fact]
    public async Task Generates_the_requested_bars_from_a_trained_checkpoint_and_the_same_seed_repeats_the_piece()
    {
        string model = await TrainTinyModelAsync();
        var written = new List<(Piece Piece, string Path)>();
        var files = new PieceFiles(_ => throw new InvalidOperationException("no primer in this test"), (piece, path) => written.Add((piece, path)));
        string output = Path.Combine(folder, "x.mid");
        var args = new[] { "generate", "--model", model, "--bars", "2", "--seed", "4", "--top-k", "30", "--out", output, "--json" };

        var first = await CliHarness.RunWithFilesAsync(files, args);
        Assert.True(first.ExitCode == 0, first.Error);
        using var summary = JsonDocument.Parse(first.Output);
        Assert.Equal(2, summary.RootElement.GetProperty("bars").GetInt32());
        Assert.True(summary.RootElement.GetProperty("complete").GetBoolean());
        Assert.Equal("event-v1-186d48879651", summary.RootElement.GetProperty("vocabularyVersion").GetString());
        var (piece, path) = Assert.Single(written);
        Assert.Equal(output, path);
        Assert.Equal(4, piece.Metadata.Provenance!.Seed);
        Assert.Equal("step-000000010", piece.Metadata.Provenance.CheckpointId);

        var second = await CliHarness.RunWithFilesAsync(files, args);
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(written[0].Piece.Notes, written[1].Piece.Notes);
    }

    [Fact]
    public async Task With_a_missing_or_damaged_model_it_exits_2_and_says_why()
    {
        // (Without --model the shipped default model is used: ShippedModelTests.)
        var files = new PieceFiles(_ => throw new InvalidOperationException(), (_, _) => throw new InvalidOperationException("nothing may be written"));
        string missing = Path.Combine(folder, "no-such-model.ckpt");
        var none = await CliHarness.RunWithFilesAsync(files, "generate", "--model", missing, "--bars", "2", "--out", Path.Combine(folder, "x.mid"));
        Assert.Equal(2, none.ExitCode);
        Assert.Contains(missing, none.Error);

        string model = await TrainTinyModelAsync();
        byte[] bytes = File.ReadAllBytes(model);
        File.WriteAllBytes(model, bytes[..(bytes.Length - 7)]);
        var truncated = await CliHarness.RunWithFilesAsync(files, "generate", "--model", model, "--bars", "2", "--out", Path.Combine(folder, "x.mid"));
        Assert.Equal(2, truncated.ExitCode);
        Assert.Contains(model, truncated.Error);

        var badOption = await CliHarness.RunWithFilesAsync(files, "generate", "--model", model, "--bars", "0", "--out", Path.Combine(folder, "x.mid"));
        Assert.Equal(2, badOption.ExitCode);
    }

    [Fact]
    public async Task A_midi_primer_is_continued_and_the_result_read_back_holds_it()
    {
        string model = await TrainTinyModelAsync();
        var midi = new PieceFiles(path => MidiFileReader.ReadFile(path), (piece, path) => MidiFileWriter.WriteFile(piece, path));
        string primer = Path.Combine(folder, "primer.mid"), continued = Path.Combine(folder, "continued.mid");
        var first = await CliHarness.RunWithFilesAsync(midi, "generate", "--model", model, "--bars", "2", "--seed", "1", "--out", primer, "--json");
        Assert.True(first.ExitCode == 0, first.Error);
        var second = await CliHarness.RunWithFilesAsync(midi, "generate", "--model", model, "--bars", "1", "--seed", "2", "--primer", primer, "--out", continued, "--json");
        Assert.True(second.ExitCode == 0, second.Error);

        var primerPiece = MidiFileReader.ReadFile(primer);
        var continuedPiece = MidiFileReader.ReadFile(continued);
        // The primer's notes open the continued piece (pitches at the same beats).
        var primerNotes = primerPiece.Notes.Select(n => (n.Pitch, Beat: (double)n.Start / primerPiece.TicksPerQuarter)).ToHashSet();
        Assert.True(continuedPiece.Notes.Count >= primerPiece.Notes.Count);
        Assert.Subset(continuedPiece.Notes.Select(n => (n.Pitch, Beat: (double)n.Start / continuedPiece.TicksPerQuarter)).ToHashSet(), primerNotes);

        var unreadable = Path.Combine(folder, "broken.mid");
        File.WriteAllText(unreadable, "not midi");
        var broken = await CliHarness.RunWithFilesAsync(midi, "generate", "--model", model, "--bars", "1", "--primer", unreadable, "--out", continued);
        Assert.Equal(2, broken.ExitCode);
        Assert.Contains("broken.mid", broken.Error);
    }
}
