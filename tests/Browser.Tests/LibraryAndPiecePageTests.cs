using Microsoft.Playwright;
using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Music.Data;
using MusicCluster.Music.Midi;

namespace MusicCluster.Browser.Tests;

/// <summary>A listener browsing the library and opening a piece.</summary>
public sealed class LibraryAndPiecePageTests(ClientProcessFixture client) : IClassFixture<ClientProcessFixture>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        IClusterClient cluster = await client.ConnectAsync();
        var pieces = SyntheticCorpus.Generate(3, seed: 21);
        string[] titles = ["Chorale in G", "Little waltz", "Chorale in D"];
        for (int i = 0; i < pieces.Count; i++)
        {
            IPieceGrain grain = cluster.GetGrain<IPieceGrain>($"browse-{i}");
            if (await grain.GetAsync() is not null) continue;
            var provenance = new PieceProvenance("default", "step-1", i, new Dictionary<string, string> { ["temperature"] = "1.0" },
                DateTimeOffset.UtcNow.AddMinutes(i), "Test author", "Test adviser", "Test organisation", "CC BY 4.0");
            await grain.CreateAsync(new NewPiece(titles[i], MidiFileWriter.Write(pieces[i]), provenance, new PieceScore(30 + 20 * i, [30 + 20 * i], "default", "step-1")));
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [SkippableFact]
    public async Task Library_lists_sorts_and_searches_pieces()
    {
        await using BrowserSession browser = await BrowserSession.StartAsync();
        IPage page = browser.Page;
        await page.GotoAsync(new Uri(client.BaseAddress, "/library?sort=score").ToString());
        ILocator rows = page.GetByTestId("library-row");
        await Assertions.Expect(rows).ToHaveCountAsync(3);
        await Assertions.Expect(rows.First).ToContainTextAsync("Chorale in D");
        await browser.ScreenshotAsync("library");

        await page.GetByTestId("library-search").FillAsync("waltz");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToContainTextAsync("Little waltz");

        await rows.First.GetByRole(AriaRole.Link, new() { Name = "Little waltz" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("piece-title")).ToHaveTextAsync("Little waltz");
        Assert.Empty(browser.Errors);
    }

    [SkippableFact]
    public async Task Piece_page_shows_staff_and_numbered_notation_provenance_and_takes_a_rating()
    {
        await using BrowserSession browser = await BrowserSession.StartAsync();
        IPage page = browser.Page;
        await page.GotoAsync(new Uri(client.BaseAddress, "/pieces/browse-0").ToString());

        ILocator staff = page.GetByTestId("staff-notation");
        await Assertions.Expect(staff).ToHaveAttributeAsync("data-rendered", "true", new() { Timeout = 30_000 });
        Assert.True(await staff.Locator("svg").CountAsync() > 0, "OpenSheetMusicDisplay drew no SVG");
        ILocator jianpu = page.GetByTestId("jianpu");
        await Assertions.Expect(jianpu).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => { const img = document.querySelector('[data-testid=jianpu]'); return img.complete && img.naturalWidth > 0; }");
        await Assertions.Expect(page.GetByTestId("provenance")).ToContainTextAsync("CC BY 4.0");
        await Assertions.Expect(page.GetByTestId("piece-score")).ToContainTextAsync("30");

        await page.GetByRole(AriaRole.Button, new() { Name = "4 star(s)" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("rating-summary")).ToContainTextAsync("4.0 from 1 rating(s)");
        await browser.ScreenshotAsync("piece");
        Assert.Empty(browser.Errors);
    }

    [SkippableFact]
    public async Task An_unknown_piece_is_a_404_page()
    {
        await using BrowserSession browser = await BrowserSession.StartAsync();
        IResponse? response = await browser.Page.GotoAsync(new Uri(client.BaseAddress, "/pieces/no-such-piece").ToString());
        Assert.Equal(404, response!.Status);
    }
}
