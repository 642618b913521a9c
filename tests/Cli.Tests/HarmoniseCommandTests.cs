using MusicCluster.Music.Midi;
using MusicCluster.Music.Models;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Storage;
using MusicCluster.Music.Storage.Checkpoints;
using MusicCluster.Music.Tokens;
using MusicCluster.Music.Training;

namespace MusicCluster.Cli.Tests;

/// <summary>
/// `musiccluster harmonise` as a user runs it (the built tool): a MIDI melody in, four parts out with the melody kept,
/// guided by the shipped chorale model's critic; a melody no soprano can sing exits 2 naming the note. The harmony model
/// is tiny and untrained: what is tested is the command, not the music.
/// </summary>
public sealed class HarmoniseCommandTests : IDisposable
{
    private readonly string folder = RepositoryPaths.NewTempFolder("cli-harmonise");

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private async Task<string> UntrainedHarmonyModelAsync()
    {
        var vocabulary = new JsbHarmonyTokenizer().Vocabulary;
        var config = RunConfig.DefaultFor(vocabulary) with
        {
            Model = RunConfig.DefaultFor(vocabulary).Model with { Layers = 1, Heads = 2, ModelWidth = 16, FeedForwardWidth = 32, Dropout = 0, ContextLength = 128 },
        };
        TorchSharp.torch.random.manual_seed(1);
        using var generator = new TransformerGenerator(config.Model);
        var info = new CheckpointInfo { RunConfig = config, Vocabulary = vocabulary, Step = 0, Phase = TrainingPhase.Mle };
        await new CheckpointStore(new LocalFolderBlobStore(folder)).SaveAsync("harmony", "step-0", ModelCheckpoint.Pack(info, generator));
        return Path.Combine(folder, "models", "harmony", "step-0.ckpt");
    }

    private string MelodyMidi(string name, params (int Pitch, double Start, double Quarters)[] notes)
    {
        string path = Path.Combine(folder, name);
        MidiFileWriter.WriteFile(PieceBuilder.Normalize(new Piece
        {
            Notes = notes.Select(n => new Note(n.Pitch, (long)(n.Start * Piece.DefaultTicksPerQuarter), (long)(n.Quarters * Piece.DefaultTicksPerQuarter), 90, 0)).ToList(),
            TimeSignatures = [new TimeSignature(0, 4, 4)],
        }), path);
        return path;
    }

    [Fact]
    public async Task A_melody_is_written_out_in_four_parts_with_the_melody_kept_and_each_bar_chosen_by_the_critic()
    {
        string model = await UntrainedHarmonyModelAsync();
        string melody = MelodyMidi("tune.mid", (72, 0, 1), (74, 1, 1), (76, 2, 2), (74, 4, 1), (72, 5, 0.5), (71, 5.5, 0.5), (72, 6, 2));
        string output = Path.Combine(folder, "harmonised.mid");
        var result = await CliHarness.RunBuiltToolAsync("harmonise", melody, "--model", model, "--candidates", "2", "--seed", "4", "--out", output, "--json");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("\"candidates\": 2", result.Output);
        Assert.Contains("\"chosenBarScores\": [", result.Output);
        var written = MidiFileReader.ReadFile(output);
        var soprano = MidiFileReader.ReadFile(melody).Notes.Select(n => (n.Pitch, n.Start, n.Duration));
        Assert.Equal(soprano, written.Notes.Where(n => n.Track == 0).Select(n => (n.Pitch, n.Start, n.Duration)));
        Assert.Equal([1, 2, 3], written.Notes.Where(n => n.Track != 0).Select(n => n.Track).Distinct().Order());
        Assert.All(written.Notes.Where(n => n.Track != 0), n => Assert.True(ChoraleVoices.RangeOf(n.Track).Contains(n.Pitch)));
        Assert.Contains("harmonised", written.Metadata.Title);
    }

    [Fact]
    public async Task Without_a_model_the_shipped_harmony_model_harmonises()
    {
        string melody = MelodyMidi("scale.mid", (67, 0, 1), (69, 1, 1), (71, 2, 1), (72, 3, 1), (74, 4, 2), (71, 6, 2));
        string output = Path.Combine(folder, "shipped.mid");
        var result = await CliHarness.RunBuiltToolAsync("harmonise", melody, "--candidates", "1", "--out", output, "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains(Path.Combine("DefaultModel", "harmony", "harmony.ckpt").Replace("\\", "\\\\"), result.Output);
        var written = MidiFileReader.ReadFile(output);
        Assert.Equal([67, 69, 71, 72, 74, 71], written.Notes.Where(n => n.Track == 0).Select(n => n.Pitch));
        Assert.Equal(1.0, MusicCluster.Music.Scoring.ChoraleMetrics.Of(written).NotesInRangeShare);
    }

    [Fact]
    public async Task A_melody_with_two_notes_at_once_or_out_of_range_exits_2_naming_the_note_and_writes_nothing()
    {
        string model = await UntrainedHarmonyModelAsync();
        string output = Path.Combine(folder, "never.mid");
        string chords = MelodyMidi("chords.mid", (72, 0, 1), (76, 0, 1));
        var together = await CliHarness.RunBuiltToolAsync("harmonise", chords, "--model", model, "--candidates", "1", "--out", output);
        Assert.Equal(2, together.ExitCode);
        Assert.Contains("Two notes sound at once: C5 at bar 1, beat 1", together.Error);

        string low = MelodyMidi("low.mid", (72, 0, 1), (55, 1, 1));
        var outside = await CliHarness.RunBuiltToolAsync("harmonise", low, "--model", model, "--candidates", "1", "--out", output);
        Assert.Equal(2, outside.ExitCode);
        Assert.Contains("G3 at bar 1, beat 2 is outside the soprano's range", outside.Error);

        var missing = await CliHarness.RunBuiltToolAsync("harmonise", Path.Combine(folder, "none.mid"), "--model", model, "--out", output);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("does not exist", missing.Error);
        Assert.False(File.Exists(output));
    }
}
