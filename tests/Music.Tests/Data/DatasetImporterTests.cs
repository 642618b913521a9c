using System.Text;
using MusicCluster.Music.Data;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Tests.Data;

public class DatasetImporterTests
{
    [Fact]
    public void A_midi_folder_imports_with_a_path_hash_split_and_lists_bad_files()
    {
        string source = FakeMidiFolder.Create(30);
        string output = Path.Combine(RepositoryPaths.NewTempFolder("dataset"), "midi");
        var progress = new List<ImportProgress>();
        var manifest = DatasetImporter.ImportMidiFolder(source, output, FakeMidiFolder.Reader, new ImportOptions(), new SynchronousProgress(progress));

        Assert.Equal(DatasetSource.MidiFolder, manifest.Source.Kind);
        Assert.Equal(32, manifest.Source.Files);
        Assert.Equal(30, manifest.Splits.Sum(s => s.Pieces));
        Assert.Equal([new SkippedFile("broken.mid", "not a MIDI file: no MThd header at byte offset 0"), new SkippedFile("set0/silent.mid", "the piece holds no notes")],
            manifest.Skipped);
        Assert.Equal(new ImportProgress(32, 32, ""), progress[^1]);

        var dataset = TokenDataset.Open(output);
        var tokenizer = dataset.CreateTokenizer();
        foreach (string split in DatasetSplits.All)
            foreach (var sequence in dataset.ReadSplit(split))
            {
                Assert.Equal(split, DatasetSplits.ForRelativePath(sequence.Label));
                string text = File.ReadAllText(Path.Combine(source, sequence.Label));
                Assert.Equal(tokenizer.Encode(FakeMidiFolder.Reader.Read(Path.Combine(source, sequence.Label))), sequence.Tokens);
                Assert.StartsWith("synthetic", text);
            }
        Assert.Equal(manifest.Splits.Sum(s => s.Tokens), DatasetSplits.All.Sum(s => dataset.ReadSplit(s).Sum(q => (long)q.Tokens.Length)));
    }

    [Fact]
    public void The_split_rule_is_about_80_10_10_and_stable()
    {
        var counts = Enumerable.Range(0, 5000).Select(i => DatasetSplits.ForRelativePath($"folder/{i}.mid")).GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
        Assert.InRange(counts["train"], 3850, 4150);
        Assert.InRange(counts["valid"], 420, 580);
        Assert.InRange(counts["test"], 420, 580);
        Assert.Equal(DatasetSplits.ForRelativePath("a/b.mid"), DatasetSplits.ForRelativePath("a\\b.mid"));
    }

    [Fact]
    public void The_same_import_gives_identical_shards()
    {
        string source = FakeMidiFolder.Create(12);
        string root = RepositoryPaths.NewTempFolder("dataset");
        var first = DatasetImporter.ImportMidiFolder(source, Path.Combine(root, "a"), FakeMidiFolder.Reader, new ImportOptions { Augment = true });
        var second = DatasetImporter.ImportMidiFolder(source, Path.Combine(root, "b"), FakeMidiFolder.Reader, new ImportOptions { Augment = true });
        Assert.Equal(first.Splits.SelectMany(s => s.Shards).Select(s => s.Sha256), second.Splits.SelectMany(s => s.Shards).Select(s => s.Sha256));
        Assert.NotEmpty(first.Splits.SelectMany(s => s.Shards));
    }

    [Fact]
    public void Parallel_reading_does_not_change_the_output()
    {
        string source = FakeMidiFolder.Create(40);
        string root = RepositoryPaths.NewTempFolder("dataset");
        var serial = DatasetImporter.ImportMidiFolder(source, Path.Combine(root, "serial"), FakeMidiFolder.Reader, new ImportOptions { Parallelism = 1 });
        var parallel = DatasetImporter.ImportMidiFolder(source, Path.Combine(root, "parallel"), FakeMidiFolder.Reader, new ImportOptions { Parallelism = 4 });
        Assert.Equal(serial.Splits.SelectMany(s => s.Shards).Select(s => s.Sha256), parallel.Splits.SelectMany(s => s.Shards).Select(s => s.Sha256));
        Assert.Equal(serial.Skipped, parallel.Skipped);
    }

    [Fact]
    public void A_cancelled_import_leaves_no_folder_behind()
    {
        string source = FakeMidiFolder.Create(30);
        string root = RepositoryPaths.NewTempFolder("dataset");
        using var cancellation = new CancellationTokenSource();
        var progress = new CancelAt(3, cancellation);
        Assert.ThrowsAny<OperationCanceledException>(() => DatasetImporter.ImportMidiFolder(source, Path.Combine(root, "out"), FakeMidiFolder.Reader,
            new ImportOptions { Parallelism = 1 }, progress, cancellation.Token));
        Assert.Empty(Directory.EnumerateFileSystemEntries(root));
    }

    private sealed class CancelAt(int item, CancellationTokenSource cancellation) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value)
        {
            if (value.Done == item) cancellation.Cancel();
        }
    }

    [Fact]
    public void Augmentation_transposes_the_train_split_only_and_stays_in_range()
    {
        string source = FakeMidiFolder.Create(20);
        string root = RepositoryPaths.NewTempFolder("dataset");
        var plain = DatasetImporter.ImportMidiFolder(source, Path.Combine(root, "plain"), FakeMidiFolder.Reader, new ImportOptions());
        var augmented = DatasetImporter.ImportMidiFolder(source, Path.Combine(root, "augmented"), FakeMidiFolder.Reader, new ImportOptions { Augment = true });

        var train = augmented.Split("train")!;
        Assert.Equal(plain.Split("train")!.Pieces * 12, train.Pieces);
        Assert.Equal(plain.Split("train")!.SourcePieces, train.SourcePieces);
        Assert.Equal(plain.Split("valid"), augmented.Split("valid")! with { Shards = plain.Split("valid")!.Shards });
        Assert.Equal(plain.Split("valid")!.Shards.Select(s => s.Sha256), augmented.Split("valid")!.Shards.Select(s => s.Sha256));

        var dataset = TokenDataset.Open(Path.Combine(root, "augmented"));
        var pieces = dataset.ReadPieces("train").ToList();
        var original = pieces.First(p => !p.Label.Contains(' '));
        var up = pieces.Single(p => p.Label == original.Label + " +6");
        Assert.Equal(original.Piece.Notes.Select(n => n.Pitch + 6), up.Piece.Notes.Select(n => n.Pitch));
        Assert.Equal("true", augmented.Parameters["augment"]);
    }

    [Fact]
    public void Transposition_leaves_drums_and_refuses_to_leave_the_range()
    {
        var piece = new Pieces.Piece
        {
            Notes = [new Pieces.Note(120, 0, 480, 80, 0), new Pieces.Note(36, 0, 480, 80, 1, 9)],
            KeySignatures = [new Pieces.KeySignature(0, 0, false)],
        };
        var up = PieceTransposer.Transpose(piece, 7)!;
        Assert.Equal([127, 36], up.Notes.Select(n => n.Pitch).Order().Reverse());
        Assert.Equal(1, up.KeySignatures[0].Sharps);
        Assert.Null(PieceTransposer.Transpose(piece, 8));
        Assert.Equal(-5, PieceTransposer.TransposeSharps(0, 1));
    }

    [Fact]
    public void Jsb_json_imports_as_grid_tokens_or_event_tokens()
    {
        string folder = RepositoryPaths.NewTempFolder("jsb");
        string json = Path.Combine(folder, "jsb.json");
        File.WriteAllText(json, """
            {"train": [[[72,67,64,48],[72,67,64,48],[74,65,62,47],[-1,-1,-1,-1]], [[60,55,52,48]]],
             "valid": [[[71,67,62,43],[72,67,64,48]]],
             "test": [[[81,76,72,36]]]}
            """);
        var grid = DatasetImporter.ImportJsb(json, Path.Combine(folder, "grid"), new ImportOptions { Tokenizer = TokenizerChoice.Grid });
        Assert.Equal([20L, 8L, 4L], grid.Splits.Select(s => s.Tokens));
        Assert.Equal([2, 1, 1], grid.Splits.Select(s => s.Pieces));
        Assert.Equal(JsbGridTokenizer.Kind, grid.Tokenizer.Kind);
        Assert.Equal(64, grid.Source.Sha256!.Length);
        var gridData = TokenDataset.Open(Path.Combine(folder, "grid"));
        var first = gridData.ReadSplit("train").First();
        Assert.Equal("train[0]", first.Label);
        Assert.Equal(new ChoraleGrid([[72, 67, 64, 48], [72, 67, 64, 48], [74, 65, 62, 47], [-1, -1, -1, -1]]), new JsbGridTokenizer().DecodeGrid(first.Tokens));

        var harmony = DatasetImporter.ImportJsb(json, Path.Combine(folder, "harmony"), new ImportOptions { Tokenizer = TokenizerChoice.Harmony });
        Assert.Equal(JsbHarmonyTokenizer.Kind, harmony.Tokenizer.Kind);
        Assert.Equal("jsb-harmony", harmony.Parameters["tokenizer"]);
        // Each sequence holds the soprano lead before its steps.
        Assert.Equal([20L + 2 * JsbHarmonyTokenizer.SopranoLead, 8L + JsbHarmonyTokenizer.SopranoLead, 4L + JsbHarmonyTokenizer.SopranoLead], harmony.Splits.Select(s => s.Tokens));
        var valid = TokenDataset.Open(Path.Combine(folder, "harmony")).ReadSplit("valid").Single();
        Assert.Equal(new ChoraleGrid([[71, 67, 62, 43], [72, 67, 64, 48]]), new JsbHarmonyTokenizer().DecodeGrid(valid.Tokens));

        var events = DatasetImporter.ImportJsb(json, Path.Combine(folder, "events"), new ImportOptions { Tokenizer = TokenizerChoice.Event });
        Assert.Equal(EventVocabulary.Kind, events.Tokenizer.Kind);
        var decoded = TokenDataset.Open(Path.Combine(folder, "events")).ReadPieces("valid").Single().Piece;
        Assert.Equal(new ChoraleGrid([[71, 67, 62, 43], [72, 67, 64, 48]]), ChoraleGrid.FromPiece(decoded));

        var augmented = DatasetImporter.ImportJsb(json, Path.Combine(folder, "augmented"), new ImportOptions { Tokenizer = TokenizerChoice.Grid, Augment = true });
        // The second train chorale fits all 11 shifts; the first too (72+6 and 47-5 stay in 0-127): 2 x 12 sequences.
        Assert.Equal(24, augmented.Split("train")!.Pieces);
        Assert.Equal(1, augmented.Split("test")!.Pieces);
    }

    [Fact]
    public void A_malformed_jsb_file_writes_nothing()
    {
        string folder = RepositoryPaths.NewTempFolder("jsb");
        string json = Path.Combine(folder, "jsb.json");
        File.WriteAllText(json, """{"train": [[[72,67,64]]], "valid": [], "test": []}""");
        var error = Assert.Throws<DatasetFormatException>(() => DatasetImporter.ImportJsb(json, Path.Combine(folder, "out"), new ImportOptions()));
        Assert.Equal("train[0][0]", error.Location);
        Assert.Equal(json, error.File);
        Assert.Equal(["jsb.json"], Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName));
    }

    [Fact]
    public void A_dataset_is_never_written_over()
    {
        string folder = RepositoryPaths.NewTempFolder("dataset");
        File.WriteAllText(Path.Combine(folder, "keep.txt"), "x");
        var error = Assert.Throws<IOException>(() => DatasetImporter.WriteSynthetic(3, 1, folder, new ImportOptions()));
        Assert.Contains("not empty", error.Message);
    }

    [Fact]
    public void A_changed_shard_or_manifest_is_refused()
    {
        string output = Path.Combine(RepositoryPaths.NewTempFolder("dataset"), "synth");
        var manifest = DatasetImporter.WriteSynthetic(12, 3, output, new ImportOptions());
        string shard = Path.Combine(output, manifest.Split("train")!.Shards[0].File);
        byte[] bytes = File.ReadAllBytes(shard);
        bytes[60] ^= 1;
        File.WriteAllBytes(shard, bytes);
        var error = Assert.Throws<DatasetFormatException>(() => TokenDataset.Open(output));
        Assert.Contains("SHA-256", error.Message);
        Assert.Equal(shard, error.File);

        string manifestPath = Path.Combine(output, DatasetManifest.FileName);
        File.WriteAllText(manifestPath, File.ReadAllText(manifestPath).Replace("\"train-000.tokens\"", "\"../train-000.tokens\""));
        Assert.Contains("plain file name", Assert.Throws<DatasetFormatException>(() => TokenDataset.Open(output)).Message);
        File.WriteAllText(manifestPath, "{\"formatVersion\": 1, ");
        Assert.Equal(manifestPath, Assert.Throws<DatasetFormatException>(() => TokenDataset.Open(output)).File);
    }

    [Fact]
    public void The_manifest_records_source_tokenizer_counts_and_hashes()
    {
        string output = Path.Combine(RepositoryPaths.NewTempFolder("dataset"), "synth");
        var manifest = DatasetImporter.WriteSynthetic(20, 9, output, new ImportOptions { MaxTokensPerShard = 2000 });
        var reopened = TokenDataset.Open(output).Manifest;
        Assert.Equal(manifest.ToJson(), reopened.ToJson());
        Assert.Equal([16, 2, 2], manifest.Splits.Select(s => s.Pieces));
        Assert.True(manifest.Split("train")!.Shards.Count > 1, "a small shard limit should roll over to several shards");
        Assert.All(manifest.Split("train")!.Shards, s => Assert.True(s.Tokens <= 2000 || s.Pieces == 1));
        Assert.Equal(new EventTokenizer().Vocabulary.Version, manifest.Tokenizer.VocabularyVersion);
        Assert.Equal("9", manifest.Parameters["seed"]);
        string json = File.ReadAllText(Path.Combine(output, DatasetManifest.FileName), Encoding.UTF8);
        Assert.Contains("\"vocabularyVersion\"", json);
        Assert.Contains("\"sha256\"", json);
    }

    [Fact]
    public void Synthetic_data_with_grid_tokens_keeps_the_chorales_only()
    {
        string output = Path.Combine(RepositoryPaths.NewTempFolder("dataset"), "grid");
        var manifest = DatasetImporter.WriteSynthetic(9, 4, output, new ImportOptions { Tokenizer = TokenizerChoice.Grid });
        Assert.Equal(3, manifest.Splits.Sum(s => s.Pieces));
        Assert.Equal(6, manifest.Skipped.Count);
        Assert.All(manifest.Skipped, s => Assert.Contains("cannot be tokenized (jsb-grid)", s.Reason));
    }

    /// <summary>Records reports as they happen (Progress&lt;T&gt; posts them to the thread pool).</summary>
    private sealed class SynchronousProgress(List<ImportProgress> reports) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => reports.Add(value);
    }
}
