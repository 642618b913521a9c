
namespace MusicCluster.Client.Tests;

public sealed class RestartTests
{
    [Fact]
    public async Task A_restarted_client_finds_the_grain_state_written_before()
    {
        var settings = EmbeddedClientSettings.CreateFresh();
        string firstId;
        await using (var first = new ClientFactory(settings))
        {
            string html = await first.CreateClient().GetStringAsync("/");
            firstId = ExtractTestId(html, "installation-id");
            Assert.Equal("1", ExtractTestId(html, "start-count"));
        }

        await using var second = new ClientFactory(settings);
        string again = await second.CreateClient().GetStringAsync("/");
        Assert.Equal(firstId, ExtractTestId(again, "installation-id"));
        Assert.Equal("2", ExtractTestId(again, "start-count"));
        // grains/{state name}/{grain type}/{key}.state in the local folder store
        Assert.True(File.Exists(Path.Combine(settings.DataPath, "grains", "installation", "installation", "0.state")),
            "grain state was not written under the data folder");
    }

    [Fact]
    public void An_invalid_mode_fails_at_start_naming_the_key()
    {
        var factory = new ClientFactory(EmbeddedClientSettings.CreateFresh(), new Dictionary<string, string?> { ["Orleans:Mode"] = "Sideways" });
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("Orleans:Mode 'Sideways'", error.GetBaseException().Message);
    }

    private static string ExtractTestId(string html, string testId)
    {
        string marker = $"data-testid=\"{testId}\">";
        int start = html.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(start >= 0, $"no element with data-testid={testId}");
        start += marker.Length;
        return html[start..html.IndexOf('<', start)].Trim();
    }
}
