using System.Text.Json;

namespace MusicCluster.Cli.Tests;

public sealed class DoctorCommandTests
{
    [Fact]
    public async Task Doctor_json_reports_working_torch_the_native_fix_and_the_configured_storage()
    {
        string data = RepositoryPaths.NewTempFolder("doctor-data");
        var result = await CliHarness.RunBuiltToolAsync(new Dictionary<string, string?> { ["MusicCluster__DataPath"] = data }, "doctor", "--json");

        Assert.True(result.ExitCode == 0, result.Error + result.Output);
        JsonElement report = JsonDocument.Parse(result.Output).RootElement;
        Assert.True(report.GetProperty("torchWorks").GetBoolean());
        Assert.StartsWith("2.10", report.GetProperty("libTorchVersion").GetString());
        Assert.True(report.GetProperty("torchThreads").GetInt32() >= 1);
        // The one thread rule, with where the count came from (OMP_NUM_THREADS or the default of half the cores).
        Assert.StartsWith($"{report.GetProperty("torchThreads").GetInt32()} (", report.GetProperty("torchThreadsRule").GetString());
        string fix = report.GetProperty("nativeFix").GetString()!;
        Assert.True(fix.StartsWith("applied", StringComparison.Ordinal) || fix.StartsWith("not needed", StringComparison.Ordinal), fix);
        Assert.Equal($"local folder {data}", report.GetProperty("storage").GetString());
        Assert.Equal(report.GetProperty("fluidSynthInstalled").GetBoolean(), Prerequisite.FindOnPath("fluidsynth") is not null);
    }

    [Fact]
    public async Task OpenMp_threads_wait_passively_unless_the_user_chose_a_policy()
    {
        // Read back from the native environment, where libtorch's OpenMP reads it when it loads.
        var unset = await CliHarness.RunBuiltToolAsync(new Dictionary<string, string?> { ["OMP_WAIT_POLICY"] = null }, "doctor", "--json");
        Assert.Equal("PASSIVE", JsonDocument.Parse(unset.Output).RootElement.GetProperty("openMpWaitPolicy").GetString());
        var chosen = await CliHarness.RunBuiltToolAsync(new Dictionary<string, string?> { ["OMP_WAIT_POLICY"] = "ACTIVE" }, "doctor", "--json");
        Assert.Equal("ACTIVE", JsonDocument.Parse(chosen.Output).RootElement.GetProperty("openMpWaitPolicy").GetString());
    }

    [Fact]
    public async Task Doctor_reports_misconfigured_storage_without_leaking_settings()
    {
        var result = await CliHarness.RunBuiltToolAsync(new Dictionary<string, string?> { ["MusicCluster__Storage__Kind"] = "Floppy" }, "doctor", "--json");
        JsonElement report = JsonDocument.Parse(result.Output).RootElement;
        Assert.Contains("MusicCluster:Storage:Kind 'Floppy'", report.GetProperty("storage").GetString());
    }

    [Fact]
    public async Task Doctor_prints_a_readable_table_without_json()
    {
        var result = await CliHarness.RunBuiltToolAsync("doctor");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("TorchSharp", result.Output);
        Assert.Contains("GLIBCXX native fix", result.Output);
    }
}
