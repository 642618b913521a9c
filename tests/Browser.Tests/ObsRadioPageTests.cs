using System.Net.Http.Json;
using System.Text.Json;
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
        // 4 bars without critic candidates: the next piece is generated in a fraction of the time one plays.
        await page.GotoAsync(new Uri(client.BaseAddress, "/obs?radio=1&bars=4&candidates=1").ToString());
        ILocator overlay = page.GetByTestId("obs-overlay");

        await Assertions.Expect(overlay).ToHaveAttributeAsync("data-radio-played", "1", new() { Timeout = 120_000 });
        Assert.Equal("on", await overlay.GetAttributeAsync("data-radio-audio"));
        string first = (await overlay.GetAttributeAsync("data-radio-piece"))!;
        await Assertions.Expect(page.GetByTestId("obs-title")).ToContainTextAsync("Now playing:");
        await Assertions.Expect(page.Locator("#obs-roll")).ToHaveAttributeAsync("data-notes", Positive());
        await Assertions.Expect(page.GetByTestId("obs-next")).ToHaveTextAsync(new Regex("^Next: "));
        await browser.ScreenshotAsync("obs-radio");

        // The second piece starts where the first ends (no silence between them), after it was shown as coming next.
        await Assertions.Expect(overlay).ToHaveAttributeAsync("data-radio-played", "2", new() { Timeout = 60_000 });
        string second = (await overlay.GetAttributeAsync("data-radio-piece"))!;
        string shown = (await page.GetByTestId("obs-title").TextContentAsync())!;
        Assert.NotEqual(first, second);
        Assert.Equal("0.00", await overlay.GetAttributeAsync("data-radio-gap"));
        double lead = double.Parse((await overlay.GetAttributeAsync("data-radio-lead"))!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(lead > 0, $"the second piece was announced {lead} s before it began");

        // Both are pieces of the library, as any generated piece.
        using var http = new HttpClient { BaseAddress = client.BaseAddress };
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync($"/api/pieces/{first}")).StatusCode);
        string title = (await http.GetFromJsonAsync<JsonElement>($"/api/pieces/{second}")).GetProperty("title").GetString()!;
        Assert.Equal($"Now playing: {title}", shown);
        Assert.Empty(browser.Errors);
    }
}
