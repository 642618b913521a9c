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
                     "generateTokensPerSecWithoutKvCache", "kvCacheSpeedup", "kvCacheSpeedupTokens", "firstNoteMsCold", "firstNoteMsWarm", "scoreWindowsPerSecBatch1",
                     "scoreWindowsPerSecBatch32",
                     "sessionsTokensPerSec.1", "sessionsTokensPerSec.8", "sessionsTokensPerSec.32", "plainBatchTokensPerSec.1", "plainBatchTokensPerSec.8",
                     "plainBatchTokensPerSec.32", "grainPathEfficiency", "batchSpeedup32", "sessionsEfficiency32",
                     "engineTokensPerSec.1", "engineTokensPerSec.8", "engineTokensPerSec.32", "engineUnscoredTokensPerSec.1", "engineUnscoredTokensPerSec.32",
                     "torchThreads", "cpuCores", "cpuFmaPeakGflops", "trainHardwareShare",
                     "scoreEndToEndWindowsPerSecBatch1", "scoreEndToEndWindowsPerSecBatch32", "scoreEndToEndMeanWindowTokens" }
                     .Concat(Environment.ProcessorCount < 2 ? Array.Empty<string>() : new[] { "twoThreadSpeedup.plain.1", "twoThreadSpeedup.plain.32", "twoThreadSpeedup.engine.1",
                         "twoThreadSpeedup.engine.32", "twoThreadSpeedup.scoreBatch1", "twoThreadSpeedup.scoreBatch32", "twoThreadSpeedup.train" }))
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
        Assert.Equal(Figure("trainFlopsPerSec") / (Figure("cpuFmaPeakGflops") * 1e9), Figure("trainHardwareShare"), 9);
        Assert.True(Figure("trainHardwareShare") < 1, $"trainHardwareShare {Figure("trainHardwareShare")}: above the CPU's peak");
        Assert.Equal(Environment.ProcessorCount, Figure("cpuCores"));
    }

    [Fact]
    public async Task Threads_follow_the_option_and_the_rule_without_it()
    {
        var chosen = await CliHarness.RunBuiltToolAsync("bench", "--only", "midi", "--quick", "--threads", "1", "--json");
        Assert.True(chosen.ExitCode == 0, chosen.Error);
        Assert.Equal(1, JsonDocument.Parse(chosen.Output).RootElement.GetProperty("torchThreads").GetDouble());
        var text = await CliHarness.RunBuiltToolAsync("bench", "--only", "midi", "--quick");
        Assert.True(text.ExitCode == 0, text.Error);
        // Without --threads: OMP_NUM_THREADS when the environment sets it, else half the cores, at least one; printed with its source.
        string? variable = Environment.GetEnvironmentVariable("OMP_NUM_THREADS");
        int expected = int.TryParse(variable, out int set) && set > 0 ? set : Math.Max(1, Environment.ProcessorCount / 2);
        Assert.Contains($"libtorch threads: {expected} (", text.Output);
        Assert.Contains("CPU FMA peak:", text.Output);
    }

    [Fact]
    public async Task Unknown_section_is_refused_with_exit_code_2()
    {
        var result = await CliHarness.RunBuiltToolAsync("bench", "--only", "warp-drive");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("warp-drive", result.Error);
    }
}
