using Microsoft.Playwright;

namespace MusicCluster.Browser.Tests;

public sealed class ClusterPageTests(ClientProcessFixture client) : IClassFixture<ClientProcessFixture>
{
    [SkippableFact]
    public async Task Cluster_page_shows_the_one_embedded_silo_without_errors()
    {
        await using BrowserSession browser = await BrowserSession.StartAsync();
        IPage page = browser.Page;

        await page.GotoAsync(new Uri(client.BaseAddress, "/cluster").ToString());
        ILocator rows = page.GetByTestId("silo-row");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToContainTextAsync("Active");
        await Assertions.Expect(page.GetByTestId("silo-count")).ToHaveTextAsync("1");
        await Assertions.Expect(rows.First.GetByTestId("training-slots")).ToContainTextAsync("of 1");
        // The table stays live through the status hub: a newer snapshot replaces the one the page was rendered with.
        string rendered = await page.Locator("#taken-at").InnerTextAsync();
        await Assertions.Expect(page.Locator("#taken-at")).Not.ToHaveTextAsync(rendered, new() { Timeout = 30_000 });
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await browser.ScreenshotAsync("cluster");

        Assert.Empty(browser.Errors);
    }

    [SkippableFact]
    public async Task Home_page_links_to_the_cluster_page()
    {
        await using BrowserSession browser = await BrowserSession.StartAsync();
        IPage page = browser.Page;

        await page.GotoAsync(client.BaseAddress.ToString());
        await Assertions.Expect(page.GetByTestId("start-count")).ToHaveTextAsync("1");
        await browser.ScreenshotAsync("home");
        await page.GetByRole(AriaRole.Link, new() { Name = "See the cluster" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Uri(client.BaseAddress, "/cluster").ToString());

        Assert.Empty(browser.Errors);
    }
}
