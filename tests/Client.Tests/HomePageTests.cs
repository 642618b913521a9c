namespace MusicCluster.Client.Tests;

public sealed class HomePageTests
{
    [Fact]
    public async Task Without_a_demo_video_the_home_page_embeds_none_and_states_the_default_licence()
    {
        await using var factory = new ClientFactory(EmbeddedClientSettings.CreateFresh());
        string html = await factory.CreateClient().GetStringAsync("/");
        Assert.DoesNotContain("data-testid=\"demo-video\"", html);
        Assert.DoesNotContain("<iframe", html);
        Assert.Contains("CC BY 4.0", html);
    }

    [Fact]
    public async Task A_configured_demo_video_and_authorship_are_shown_and_unsafe_links_are_not()
    {
        await using var factory = new ClientFactory(EmbeddedClientSettings.CreateFresh(), new Dictionary<string, string?>
        {
            ["MusicCluster:DemoVideoUrl"] = "https://www.youtube.com/embed/abc123",
            ["MusicCluster:Author"] = "Ada Lovelace",
            ["MusicCluster:Organisation"] = "Analytical Engines Ltd",
            ["MusicCluster:Licence"] = "All rights reserved.",
        });
        string html = await factory.CreateClient().GetStringAsync("/");
        Assert.Contains("src=\"https://www.youtube.com/embed/abc123\"", html);
        Assert.Contains("Ada Lovelace", html);
        Assert.Contains("Analytical Engines Ltd", html);
        Assert.Contains("All rights reserved.", html);

        await using var unsafeFactory = new ClientFactory(EmbeddedClientSettings.CreateFresh(), new Dictionary<string, string?>
        {
            ["MusicCluster:DemoVideoUrl"] = "javascript:alert(1)",
        });
        Assert.DoesNotContain("<iframe", await unsafeFactory.CreateClient().GetStringAsync("/"));
    }
}
