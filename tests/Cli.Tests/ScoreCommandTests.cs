using System.Text.Json;
using MusicCluster.Music.Data;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Cli.Tests;

public class ScoreCommandTests
{
    /// <summary>"MIDI files" holding the index of a synthetic piece; the reader turns them into that piece.</summary>
    private static readonly IPieceReader Reader = new DelegatePieceReader(path => SyntheticCorpus.Generate(6, 1)[int.Parse(File.ReadAllText(path))]);

    private static string WritePieceFile(string folder, string name, int index)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllText(path, index.ToString());
        return path;
    }

    [Fact]
    public async Task Json_lists_every_file_with_its_score_and_bar_scores_and_names_the_model()
    {
        string folder = RepositoryPaths.NewTempFolder("score");
        string first = WritePieceFile(folder, "a.mid", 0), second = WritePieceFile(folder, "b.mid", 4);
        var models = new InMemoryScoringModels();
        var result = await CliHarness.RunScoringAsync(models, Reader, null, "score", first, second, "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        var root = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal(InMemoryScoringModels.DefaultId, root.GetProperty("model").GetProperty("id").GetString());
        Assert.Equal(InMemoryScoringModels.CheckpointId, root.GetProperty("model").GetProperty("checkpoint").GetString());
        Assert.Equal([null], models.Requests);
        var files = root.GetProperty("files").EnumerateArray().ToArray();
        Assert.Equal([first, second], files.Select(f => f.GetProperty("path").GetString()));
        var pieces = SyntheticCorpus.Generate(6, 1);
        int[] barCounts = [new EventTokenizer().Encode(pieces[0]).Count(t => t == EventVocabulary.BarId),
            new EventTokenizer().Encode(pieces[4]).Count(t => t == EventVocabulary.BarId)];
        for (int i = 0; i < 2; i++)
        {
            Assert.InRange(files[i].GetProperty("score").GetDouble(), 0, 100);
            var bars = files[i].GetProperty("bars").EnumerateArray().Select(b => b.GetDouble()).ToArray();
            Assert.Equal(barCounts[i], bars.Length);
            Assert.All(bars, b => Assert.InRange(b, 0, 100));
        }
    }

    [Fact]
    public async Task A_missing_file_fails_with_exit_code_2_naming_it_and_the_others_are_still_scored()
    {
        string folder = RepositoryPaths.NewTempFolder("score");
        string good = WritePieceFile(folder, "good.mid", 1), missing = Path.Combine(folder, "nope.mid");
        var result = await CliHarness.RunScoringAsync(new InMemoryScoringModels(), Reader, null, "score", missing, good, "--json", "--model", "m1");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("nope.mid", result.Error);
        var root = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal("m1", root.GetProperty("model").GetProperty("id").GetString());
        Assert.Equal([good], root.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()));
        Assert.Equal([missing], root.GetProperty("errors").EnumerateArray().Select(f => f.GetProperty("path").GetString()));
    }

    [Fact]
    public async Task An_unknown_model_or_no_midi_reader_is_a_clear_error()
    {
        string folder = RepositoryPaths.NewTempFolder("score");
        string file = WritePieceFile(folder, "a.mid", 0);
        var unknown = await CliHarness.RunScoringAsync(new InMemoryScoringModels(), Reader, null, "score", file, "--model", "missing");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("'missing' was not found", unknown.Error);
        var noReader = await CliHarness.RunScoringAsync(new InMemoryScoringModels(), null, null, "score", file);
        Assert.Equal(2, noReader.ExitCode);
        Assert.Contains("no MIDI reader", noReader.Error);
        var noFiles = await CliHarness.RunScoringAsync(new InMemoryScoringModels(), Reader, null, "score");
        Assert.Equal(2, noFiles.ExitCode);
    }

    [Fact]
    public async Task Text_output_shows_the_model_and_each_file()
    {
        string folder = RepositoryPaths.NewTempFolder("score");
        string file = WritePieceFile(folder, "a.mid", 2);
        var result = await CliHarness.RunScoringAsync(new InMemoryScoringModels(), Reader, null, "score", file);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains(InMemoryScoringModels.DefaultId, result.Output);
        Assert.Contains("a.mid", result.Output);
        Assert.Contains("bars:", result.Output);
    }
}
