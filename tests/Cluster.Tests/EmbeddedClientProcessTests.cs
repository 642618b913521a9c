
namespace MusicCluster.Cluster.Tests;

/// <summary>The Client as users run it: one process with its embedded silo, stopped with Ctrl-C and started again.</summary>
[Trait("Category", "Cluster")]
public sealed class EmbeddedClientProcessTests
{
    [Fact]
    public async Task Ctrl_c_stops_the_silo_gracefully_and_a_restart_finds_the_state_written_before()
    {
        var settings = EmbeddedClientSettings.CreateFresh();
        Guid firstInstallation;
        await using (ProcessHost first = StartClient(settings, out Uri address))
        {
            await first.WaitForLineAsync("Now listening on", TimeSpan.FromSeconds(120));
            using var web = new HttpClient { BaseAddress = address };
            Assert.Equal("Healthy", await web.GetStringAsync("/healthz"));
            firstInstallation = await InstallationIdAsync(first);

            Assert.Equal(0, await first.InterruptAsync(TimeSpan.FromSeconds(90)));
            Assert.Contains(first.Lines, line => line.Contains("is shutting down gracefully", StringComparison.Ordinal));
            Assert.Contains(first.Lines, line => line.Contains("shut down gracefully", StringComparison.Ordinal) && !line.Contains("is shutting", StringComparison.Ordinal));
        }

        await using ProcessHost second = StartClient(settings, out _);
        string active = await second.WaitForLineAsync("is active", TimeSpan.FromSeconds(120));
        await second.WaitForLineAsync("is ready", TimeSpan.FromSeconds(120));
        Assert.Contains($"installation {firstInstallation}, start 2", active);
        Assert.Equal(0, await second.InterruptAsync(TimeSpan.FromSeconds(90)));
    }

    private static ProcessHost StartClient(EmbeddedClientSettings settings, out Uri address)
    {
        int http = FreePort.Next();
        address = new Uri($"http://127.0.0.1:{http}");
        return ProcessHost.Start("Client", "MusicCluster.Client", settings.ToEnvironment(), "--urls", address.ToString());
    }

    private static async Task<Guid> InstallationIdAsync(ProcessHost client)
    {
        string active = await client.WaitForLineAsync("is active", TimeSpan.FromSeconds(120));
        int start = active.IndexOf("installation ", StringComparison.Ordinal) + "installation ".Length;
        return Guid.Parse(active.AsSpan(start, 36));
    }
}
