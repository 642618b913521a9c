using MusicCluster.Cli.Commands;
using MusicCluster.Music.Midi;
using MusicCluster.Music.Models;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Storage;
using MusicCluster.Music.Storage.Checkpoints;
using MusicCluster.Music.Tokens;
using MusicCluster.Music.Training;

namespace MusicCluster.Cli.Tests;

/// <summary>
/// `generate --primer` with a grid (four-part chorale) model: a piano piece is read into four voices; one with more
/// notes at once than four voices is refused with exit code 2, naming where. The model is tiny and untrained: what is
/// tested is how the primer is read.
/// </summary>
public sealed class GridPrimerCommandTests : IDisposable
{
    private const int Quarter = Piece.DefaultTicksPerQuarter;
    private readonly string folder = RepositoryPaths.NewTempFolder("cli-grid-primer");

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>A checkpoint file of an untrained grid model (context 256), as `train` writes one.</summary>
    private async Task<string> UntrainedGridModelAsync()
    {
        var vocabulary = new JsbGridTokenizer().Vocabulary;
        var config = RunConfig.DefaultFor(vocabulary) with
        {
            Model = RunConfig.DefaultFor(vocabulary).Model with { Layers = 1, Heads = 2, ModelWidth = 16, FeedForwardWidth = 32, Dropout = 0 },
        };
        TorchSharp.torch.random.manual_seed(1);
        using var generator = new TransformerGenerator(config.Model);
        var info = new CheckpointInfo { RunConfig = config, Vocabulary = vocabulary, Step = 0, Phase = TrainingPhase.Mle };
        await new CheckpointStore(new LocalFolderBlobStore(folder)).SaveAsync("grid", "step-0", ModelCheckpoint.Pack(info, generator));
        return Path.Combine(folder, "models", "grid", "step-0.ckpt");
    }

    /// <summary>A one-track piano piece in 4/4 written as MIDI: chords a quarter long at the given beats (0-based).</summary>
    private string PianoMidi(string name, params (int Beat, int[] Pitches)[] chords)
    {
        string path = Path.Combine(folder, name);
        MidiFileWriter.WriteFile(PieceBuilder.Normalize(new Piece
        {
            Notes = chords.SelectMany(c => c.Pitches.Select(p => new Note(p, c.Beat * (long)Quarter, Quarter, 80, 0))).ToList(),
            TimeSignatures = [new TimeSignature(0, 4, 4)],
            Tracks = [new TrackInfo(0, "Piano")],
        }), path);
        return path;
    }

    [Fact]
    public async Task A_piano_primer_is_continued_in_four_voices_and_one_with_six_notes_at_once_exits_2_naming_bar_and_beat()
    {
        string model = await UntrainedGridModelAsync();
        var midi = new PieceFiles(path => MidiFileReader.ReadFile(path), (piece, path) => MidiFileWriter.WriteFile(piece, path));
        string output = Path.Combine(folder, "continued.mid");

        string piano = PianoMidi("piano.mid", (0, [72, 67, 64, 48]), (1, [74, 65, 62, 50]));
        var continued = await CliHarness.RunWithFilesAsync(midi, "generate", "--model", model, "--bars", "1", "--seed", "1", "--primer", piano, "--out", output);
        Assert.True(continued.ExitCode == 0, continued.Error);
        var piece = MidiFileReader.ReadFile(output);
        var firstChord = piece.Notes.Where(n => n.Start == 0).OrderBy(n => n.Track).ToList();
        Assert.Equal([72, 67, 64, 48], firstChord.Select(n => n.Pitch));
        Assert.Equal(4, firstChord.Select(n => n.Track).Distinct().Count());

        string crowded = PianoMidi("crowded.mid", (0, [72, 67, 64, 48]), (6, [84, 79, 76, 72, 67, 60]));
        var refused = await CliHarness.RunWithFilesAsync(midi, "generate", "--model", model, "--bars", "1", "--primer", crowded, "--out", Path.Combine(folder, "never.mid"));
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("bar 2, beat 3: 6 notes sound at once (C6 G5 E5 C5 G4 C4); a four-part chorale has at most four", refused.Error);
        Assert.False(File.Exists(Path.Combine(folder, "never.mid")));
    }
}
