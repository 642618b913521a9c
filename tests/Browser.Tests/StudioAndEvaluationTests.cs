using System.Text.RegularExpressions;
using Microsoft.Playwright;
using MusicCluster.Music.Data;
using MusicCluster.Music.Midi;

namespace MusicCluster.Browser.Tests;

public sealed partial class StudioAndEvaluationTests(ClientProcessFixture client) : IClassFixture<ClientProcessFixture>
{
    private static readonly LocatorAssertionsToHaveCountOptions Patient = new() { Timeout = 90_000 };

    [GeneratedRegex("^[1-9][0-9]*$")]
    private static partial Regex Positive();

    [SkippableFact]
    public async Task Studio_generates_a_piece_with_notes_arriving_bar_scores_and_a_link_to_the_piece()
    {
        await using BrowserSession browser = await BrowserSession.StartAsync();
        IPage page = browser.Page;
        await page.GotoAsync(client.BaseAddress.ToString());
        await page.FillAsync("#bars", "2");
        await page.FillAsync("#seed", "11");
        await page.GetByTestId("generate").ClickAsync();

        await Assertions.Expect(page.GetByTestId("piano-roll")).ToHaveAttributeAsync("data-notes", Positive(), new() { Timeout = 90_000 });
        await Assertions.Expect(page.GetByTestId("bar-scores").GetByTestId("bar-score")).ToHaveCountAsync(2, Patient);
        await Assertions.Expect(page.GetByTestId("piece-link")).ToBeVisibleAsync(new() { Timeout = 90_000 });
        await Assertions.Expect(page.GetByTestId("generation-status")).ToContainTextAsync("Completed");
        // Finished, the meter shows the piece's overall score, the one its link names, not the last bar's.
        string overall = System.Text.RegularExpressions.Regex.Match(await page.GetByTestId("piece-link").InnerTextAsync(), @"score (\d+)").Groups[1].Value;
        Assert.NotEmpty(overall);
        await Assertions.Expect(page.GetByTestId("latest-score")).ToHaveTextAsync($"piece {overall}");
        await browser.ScreenshotAsync("studio");

        string href = (await page.GetByTestId("piece-link").GetAttributeAsync("href"))!;
        await page.GetByTestId("piece-link").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Uri(client.BaseAddress, href).ToString());
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Generated, 2 bars (seed 11)");
        // Provenance as a reader names it; a parameter the request left unset is a dash, not an empty cell.
        await Assertions.Expect(page.Locator("dt[data-parameter=topK]")).ToHaveTextAsync("Top-k");
        await Assertions.Expect(page.Locator("dt[data-parameter=topP] + dd")).ToHaveTextAsync("–");
        // The screenshot shows the generated chorale as a reader sees it: the roll drawn and the four staves laid out.
        await Assertions.Expect(page.GetByTestId("piano-roll")).ToHaveAttributeAsync("data-rendered", "true", new() { Timeout = 90_000 });
        await Assertions.Expect(page.GetByTestId("staff-notation")).ToHaveAttributeAsync("data-rendered", "true", new() { Timeout = 90_000 });
        await Assertions.Expect(page.GetByTestId("staff-notation")).ToHaveAttributeAsync("data-parts", "Soprano, Alto, Tenor, Bass");
        // Two bars against 8-bar excerpts of real music: what grows with length is not compared, and the page says so.
        await Assertions.Expect(page.GetByTestId("metrics-chart")).ToHaveAttributeAsync("data-rendered", "true", new() { Timeout = 90_000 });
        await Assertions.Expect(page.Locator("#metrics-source")).ToContainTextAsync("This piece has 2 bars, fewer than an excerpt: pitch range,");
        string[] charted = await page.EvaluateAsync<string[]>("() => Chart.getChart('metrics-chart').data.labels");
        Assert.DoesNotContain("note count", charted);
        Assert.Contains("polyphony rate", charted);
        await browser.ScreenshotAsync("studio-piece");

        Assert.Empty(browser.Errors);
    }

    [SkippableFact]
    public async Task Obs_overlay_follows_the_newest_session_with_its_notes_and_score()
    {
        await using BrowserSession browser = await BrowserSession.StartAsync();
        IPage page = browser.Page;
        await page.GotoAsync(new Uri(client.BaseAddress, "/obs").ToString());
        await Assertions.Expect(page.GetByTestId("obs-overlay")).ToBeVisibleAsync();

        using var http = new HttpClient { BaseAddress = client.BaseAddress };
        using HttpResponseMessage started = await http.PostAsync("/api/generations",
            new StringContent("""{"bars":1,"seed":21,"title":"Overlay check"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, started.StatusCode);

        await Assertions.Expect(page.Locator("#obs-roll")).ToHaveAttributeAsync("data-notes", Positive(), new() { Timeout = 90_000 });
        await Assertions.Expect(page.GetByTestId("obs-title")).ToContainTextAsync("Finished (Completed)", new() { Timeout = 90_000 });
        await Assertions.Expect(page.GetByTestId("obs-score")).ToContainTextAsync("score");
        await browser.ScreenshotAsync("obs-overlay");
        Assert.Empty(browser.Errors);
    }

    [SkippableFact]
    public async Task Studio_shows_field_errors_from_the_server()
    {
        await using BrowserSession browser = await BrowserSession.StartAsync();
        IPage page = browser.Page;
        await page.GotoAsync(client.BaseAddress.ToString());
        await page.FillAsync("#bars", "2");
        await page.FillAsync("#topP", "5");
        await page.GetByTestId("generate").ClickAsync();
        await Assertions.Expect(page.GetByTestId("form-errors")).ToContainTextAsync("topP");
        // The refused request itself is the 400 the page reports; nothing else may fail.
        Assert.NotEmpty(browser.Errors);
        Assert.All(browser.Errors, e => Assert.True(e.Contains("/api/generations") || e.Contains("status of 400"), e));
    }

    [SkippableFact]
    public async Task Evaluation_room_scores_an_upload_bar_by_bar_and_follows_what_is_played()
    {
        string file = Path.Combine(RepositoryPaths.NewTempFolder("evaluate"), "chorale.mid");
        File.WriteAllBytes(file, MidiFileWriter.Write(SyntheticCorpus.Generate(1, seed: 5)[0]));

        await using BrowserSession browser = await BrowserSession.StartAsync();
        IPage page = browser.Page;
        await page.GotoAsync(new Uri(client.BaseAddress, "/evaluate").ToString());
        await page.GetByTestId("midi-file").SetInputFilesAsync(file);
        await page.GetByTestId("score-upload").ClickAsync();
        await Assertions.Expect(page.GetByTestId("upload-overall")).ToContainTextAsync("Overall", new() { Timeout = 60_000 });
        Assert.True(await page.GetByTestId("upload-bars").GetByTestId("bar-score").CountAsync() > 0);
        await browser.ScreenshotAsync("evaluate-upload");

        // Play: mouse on the on-screen keys, then the computer keyboard; bars are 2 s at the page's 120 bpm.
        ILocator keys = page.GetByTestId("piano").GetByTestId("piano-key");
        foreach (int key in new[] { 0, 4, 7, 12 })
        {
            await keys.Nth(key).HoverAsync();
            await page.Mouse.DownAsync();
            await page.WaitForTimeoutAsync(300);
            await page.Mouse.UpAsync();
        }
        await Assertions.Expect(page.GetByTestId("played-count")).ToHaveTextAsync("4 notes played");
        await Assertions.Expect(page.GetByTestId("played-bars").GetByTestId("bar-score")).Not.ToHaveCountAsync(0, new() { Timeout = 30_000 });
        string firstOverall = await page.GetByTestId("played-overall").TextContentAsync() ?? "";
        int barsBefore = await page.GetByTestId("played-bars").GetByTestId("bar-score").CountAsync();

        await page.Mouse.MoveAsync(0, 0);
        foreach (string key in new[] { "a", "d", "g", "j", "k", "j", "g", "d", "a", "s", "f", "h" })
        {
            await page.Keyboard.DownAsync(key);
            await page.WaitForTimeoutAsync(350);
            await page.Keyboard.UpAsync(key);
        }
        await Assertions.Expect(page.GetByTestId("played-count")).ToHaveTextAsync("16 notes played");
        // The score follows: more bars scored than before.
        await page.WaitForFunctionAsync($"document.querySelectorAll('[data-testid=played-bars] [data-testid=bar-score]').length > {barsBefore}", null,
            new() { Timeout = 30_000 });
        Assert.StartsWith("Overall", firstOverall);
        await browser.ScreenshotAsync("evaluate-played");

        Assert.Empty(browser.Errors);
    }
}
