using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace MusicCluster.Browser.Tests;

// The OBS radio shares the studio tests' Client process (a Client start costs more than the test).
public sealed partial class StudioAndEvaluationTests
{
    [SkippableFact]
    public async Task Obs_radio_plays_generated_pieces_back_to_back_and_shows_what_comes_next()
    {
        // OBS Studio's browser source plays sound without a click; headless Chromium does when told to.
        await using BrowserSession browser = await BrowserSession.StartAsync("--autoplay-policy=no-user-gesture-required");
        IPage page = browser.Page;
        // 4 bars (8 s at the default tempo) without critic candidates: the next piece is ready long before one ends.
        await page.GotoAsync(new Uri(client.BaseAddress, "/obs?radio=1&bars=4&candidates=1").ToString());
        ILocator overlay = page.GetByTestId("obs-overlay");

        await Assertions.Expect(overlay).ToHaveAttributeAsync("data-radio-played", "1", new() { Timeout = 120_000 });
        Assert.Equal("on", await overlay.GetAttributeAsync("data-radio-audio"));
        string first = (await overlay.GetAttributeAsync("data-radio-piece"))!;
        await Assertions.Expect(page.GetByTestId("obs-title")).ToContainTextAsync("Now playing:");
        await Assertions.Expect(page.Locator("#obs-roll")).ToHaveAttributeAsync("data-notes", Positive());
        // While the first piece plays, the next is generated and named.
        await Assertions.Expect(page.GetByTestId("obs-next")).ToHaveTextAsync(NamedNext(), new() { Timeout = 60_000 });
        string announced = (await page.GetByTestId("obs-next").TextContentAsync())!["Next: ".Length..];
        await browser.ScreenshotAsync("obs-radio");

        // The second piece starts where the first ends: no silence between them.
        await Assertions.Expect(overlay).ToHaveAttributeAsync("data-radio-played", "2", new() { Timeout = 60_000 });
        string second = (await overlay.GetAttributeAsync("data-radio-piece"))!;
        Assert.NotEqual(first, second);
        Assert.Equal("0.00", await overlay.GetAttributeAsync("data-radio-gap"));
        await Assertions.Expect(page.GetByTestId("obs-title")).ToHaveTextAsync($"Now playing: {announced}");

        // Both are pieces of the library, as any generated piece.
        using var http = new HttpClient { BaseAddress = client.BaseAddress };
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync($"/api/pieces/{first}")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync($"/api/pieces/{second}")).StatusCode);
        Assert.Empty(browser.Errors);
    }

    [GeneratedRegex("^Next: (?!generating)")]
    private static partial Regex NamedNext();
}
