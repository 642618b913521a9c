using System.Text.Json;

namespace MusicCluster.Cli.Tests;

public sealed class BenchCommandTests
{
    [Fact]
    public async Task Quick_bench_reports_every_figure_as_a_positive_number()
    {
        var result = await CliHarness.RunBuiltToolAsync("bench", "--quick", "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        JsonElement figures = JsonDocument.Parse(result.Output).RootElement;
        foreach (string key in new[] { "midiParseMBps", "gemmGflops", "tokenizeTokensPerSec", "trainTokensPerSec", "trainMfu", "generateTokensPerSecWithKvCache",
                     "generateTokensPerSecWithoutKvCache", "kvCacheSpeedup", "firstNoteMs", "scoreWindowsPerSecBatch1", "scoreWindowsPerSecBatch32",
                     "sessionsTokensPerSec.1", "sessionsTokensPerSec.8", "sessionsTokensPerSec.32", "plainBatchTokensPerSec.1", "plainBatchTokensPerSec.8",
                     "plainBatchTokensPerSec.32", "grainPathEfficiency", "batchSpeedup32", "sessionsEfficiency32",
                     "scoreEndToEndWindowsPerSecBatch1", "scoreEndToEndWindowsPerSecBatch32", "scoreEndToEndMeanWindowTokens" })
        {
            Assert.True(figures.TryGetProperty(key, out JsonElement value), $"missing {key}");
            Assert.True(value.GetDouble() > 0, $"{key} = {value}");
        }
        double Figure(string name) => figures.GetProperty(name).GetDouble();
        Assert.Equal(Figure("sessionsTokensPerSec.1") / Figure("plainBatchTokensPerSec.1"), Figure("grainPathEfficiency"), 9);
        Assert.Equal(Figure("sessionsTokensPerSec.32") / Figure("sessionsTokensPerSec.1"), Figure("batchSpeedup32"), 9);
        Assert.Equal(Figure("sessionsTokensPerSec.32") / Figure("plainBatchTokensPerSec.32"), Figure("sessionsEfficiency32"), 9);
        // The ratio is computed from the two figures of the same run.
        Assert.Equal(figures.GetProperty("trainFlopsPerSec").GetDouble() / (figures.GetProperty("gemmGflops").GetDouble() * 1e9),
            figures.GetProperty("trainMfu").GetDouble(), 9);
    }

    [Fact]
    public async Task Unknown_section_is_refused_with_exit_code_2()
    {
        var result = await CliHarness.RunBuiltToolAsync("bench", "--only", "warp-drive");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("warp-drive", result.Error);
    }
}
