using System.Text.Json;
using MusicCluster.Music.Data;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Cli.Tests;

public class DatasetCommandTests
{
    private static JsonElement Json(CliHarness.Result result)
    {
        Assert.True(result.ExitCode == 0, $"exit code {result.ExitCode}: {result.Error}");
        return JsonDocument.Parse(result.Output).RootElement;
    }

    private static long[] SplitValues(JsonElement summary, string property) =>
        summary.GetProperty("splits").EnumerateArray().Select(s => s.GetProperty(property).GetInt64()).ToArray();

    [Fact]
    public async Task Synth_writes_a_dataset_and_prints_its_summary_as_json()
    {
        string output = Path.Combine(RepositoryPaths.NewTempFolder("cli"), "synth");
        var summary = Json(await CliHarness.RunAsync("dataset", "synth", "--count", "20", "--seed", "5", "--out", output, "--json"));

        Assert.Equal(output, summary.GetProperty("output").GetString());
        Assert.Equal("synthetic", summary.GetProperty("sourceKind").GetString());
        Assert.Equal([16L, 2L, 2L], SplitValues(summary, "pieces"));
        var dataset = TokenDataset.Open(output);
        Assert.Equal(dataset.Manifest.Splits.Select(s => s.Tokens), SplitValues(summary, "tokens"));
        Assert.Equal(new EventTokenizer().Vocabulary.Version, summary.GetProperty("vocabularyVersion").GetString());
        // The same command with the same seed makes the same shards.
        string again = Path.Combine(RepositoryPaths.NewTempFolder("cli"), "synth");
        Json(await CliHarness.RunAsync("dataset", "synth", "--count", "20", "--seed", "5", "--out", again, "--json"));
        Assert.Equal(File.ReadAllBytes(Path.Combine(output, "train-000.tokens")), File.ReadAllBytes(Path.Combine(again, "train-000.tokens")));
    }

    [Fact]
    public async Task Synth_without_json_prints_a_table()
    {
        string output = Path.Combine(RepositoryPaths.NewTempFolder("cli"), "synth");
        var result = await CliHarness.RunAsync("dataset", "synth", "--count", "10", "--out", output, "--tokenizer", "grid");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("jsb-grid", result.Output);
        Assert.Contains("train", result.Output);
        Assert.Contains("skipped", result.Output);
        Assert.True(File.Exists(Path.Combine(output, DatasetManifest.FileName)));
    }

    [Fact]
    public async Task Jsb_import_counts_four_tokens_per_step_and_augments_the_train_split()
    {
        string folder = RepositoryPaths.NewTempFolder("cli");
        string json = Path.Combine(folder, "chorales.json");
        File.WriteAllText(json, """
            {"train": [[[72,67,64,48],[72,67,64,48],[74,65,62,47]]], "valid": [[[71,67,62,43]]], "test": [[[72,67,64,48],[-1,-1,-1,-1]]]}
            """);
        var plain = Json(await CliHarness.RunAsync("dataset", "import", json, "--format", "jsb", "--out", Path.Combine(folder, "grid"), "--json"));
        Assert.Equal([12L, 4L, 8L], SplitValues(plain, "tokens"));
        Assert.Equal("jsb-grid", plain.GetProperty("tokenizer").GetString());

        var augmented = Json(await CliHarness.RunAsync("dataset", "import", json, "--format", "jsb", "--augment", "--out", Path.Combine(folder, "augmented"), "--json"));
        Assert.Equal([12L, 1L, 1L], SplitValues(augmented, "pieces"));

        var events = Json(await CliHarness.RunAsync("dataset", "import", json, "--format", "jsb", "--tokenizer", "event", "--out", Path.Combine(folder, "events"), "--json"));
        Assert.Equal("event", events.GetProperty("tokenizer").GetString());
    }

    [Fact]
    public async Task A_malformed_jsb_file_exits_2_naming_the_file_and_the_place()
    {
        string folder = RepositoryPaths.NewTempFolder("cli");
        string json = Path.Combine(folder, "bad.json");
        File.WriteAllText(json, """{"train": [[[72,67,64,48],[72,67,64]]], "valid": [], "test": []}""");
        var result = await CliHarness.RunAsync("dataset", "import", json, "--format", "jsb", "--out", Path.Combine(folder, "out"), "--json");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(json, result.Error);
        Assert.Contains("train[0][1]", result.Error);
        Assert.Contains("3 voices", result.Error);
        Assert.Equal("", result.Output);
        Assert.False(Directory.Exists(Path.Combine(folder, "out")));
    }

    [Fact]
    public async Task A_midi_folder_imports_through_the_plugged_in_reader_and_lists_bad_files()
    {
        string folder = RepositoryPaths.NewTempFolder("cli");
        string source = Path.Combine(folder, "midi");
        Directory.CreateDirectory(Path.Combine(source, "inner"));
        for (int i = 0; i < 6; i++) File.WriteAllText(Path.Combine(source, i % 2 == 0 ? "" : "inner", $"p{i}.mid"), i.ToString());
        File.WriteAllText(Path.Combine(source, "inner", "broken.mid"), "x");
        // Stands in for the MIDI reader: the file holds a synthetic piece's index, or is refused.
        var reader = new DelegatePieceReader(path => int.TryParse(File.ReadAllText(path), out int index)
            ? SyntheticCorpus.GeneratePiece(1, index, SyntheticCorpus.StyleOf(index))
            : throw new InvalidDataException("no MThd chunk at byte offset 0"));

        var summary = Json(await CliHarness.RunAsync(reader, "dataset", "import", source, "--format", "midi", "--out", Path.Combine(folder, "out"), "--json"));
        Assert.Equal(6, SplitValues(summary, "pieces").Sum());
        var skipped = summary.GetProperty("skipped").EnumerateArray().Single();
        Assert.Equal("inner/broken.mid", skipped.GetProperty("path").GetString());
        Assert.Equal("no MThd chunk at byte offset 0", skipped.GetProperty("reason").GetString());
    }

    public static TheoryData<string[], string> BadCommands => new()
    {
        { ["dataset", "import", "/no/such/file.json", "--format", "jsb", "--out", "OUT"], "/no/such/file.json does not exist" },
        { ["dataset", "import", "/no/such/folder", "--format", "midi", "--out", "OUT"], "/no/such/folder does not exist" },
        { ["dataset", "import", "/tmp", "--format", "midi", "--out", "OUT"], "no MIDI reader" },
        { ["dataset", "import", "/tmp", "--format", "wav", "--out", "OUT"], "wav" },
        { ["dataset", "import", "/tmp", "--format", "jsb", "--out", "OUT"], "is a folder" },
        { ["dataset", "synth", "--count", "0", "--out", "OUT"], "--count must be at least 1" },
        { ["dataset", "synth", "--count", "3", "--out", "OUT", "--tokenizer", "remi"], "--tokenizer must be event, grid or harmony" },
        { ["dataset", "synth", "--count", "3", "--out", "OUT", "--steps-per-quarter", "6"], "multiple of 4" },
        { ["dataset", "synth", "--count", "3"], "--out" },
        { ["dataset", "synth", "--count", "3", "--out", " "], "not a usable path" },
        { ["dataset", "import", "", "--format", "jsb", "--out", "OUT"], "input path is empty" },
        { ["dataset", "synth", "--count", "3", "--out", "NONEMPTY"], "is not empty" },
    };

    [Theory]
    [MemberData(nameof(BadCommands))]
    public async Task Bad_arguments_and_paths_exit_2_with_a_message(string[] args, string message)
    {
        string folder = RepositoryPaths.NewTempFolder("cli");
        string nonEmpty = Path.Combine(folder, "full");
        Directory.CreateDirectory(nonEmpty);
        File.WriteAllText(Path.Combine(nonEmpty, "x"), "x");
        string[] resolved = args.Select(a => a == "OUT" ? Path.Combine(folder, "out") : a == "NONEMPTY" ? nonEmpty : a).ToArray();

        var result = await CliHarness.RunAsync(resolved);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.False(Directory.Exists(Path.Combine(folder, "out")));
    }

    [Fact]
    public async Task The_built_tool_runs_dataset_commands_with_their_exit_codes()
    {
        // The real entry point (Program.cs), run as a process: wiring, stdout JSON and exit codes as a user sees them.
        string output = Path.Combine(RepositoryPaths.NewTempFolder("cli"), "synth");
        var ok = await CliHarness.RunBuiltToolAsync("dataset", "synth", "--count", "4", "--seed", "2", "--out", output, "--json");
        Assert.True(ok.ExitCode == 0, ok.Error);
        Assert.Equal(output, JsonDocument.Parse(ok.Output).RootElement.GetProperty("output").GetString());

        var bad = await CliHarness.RunBuiltToolAsync("dataset", "import", "/no/such/dir", "--format", "midi", "--out", output + "2");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("/no/such/dir", bad.Error);
    }
}
