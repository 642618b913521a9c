using Microsoft.Playwright;
using MusicCluster.Music.Data;

namespace MusicCluster.Browser.Tests;

/// <summary>
/// A fresh Client that seeds a small starter library with the shipped model (8 pieces of 8 bars, one at a time, so
/// seeding lasts long enough to be seen) and compares pieces with a synthetic reference data set.
/// </summary>
public sealed class SeedingClientFixture : ClientProcessFixture
{
    public const int SeedCount = 8;

    private readonly string _reference = Path.Combine(RepositoryPaths.NewTempFolder("browser-reference"), "synthetic-reference");

    protected override IReadOnlyDictionary<string, string> ExtraEnvironment()
    {
        DatasetImporter.WriteSynthetic(20, seed: 9, _reference, new ImportOptions());
        return new Dictionary<string, string>
        {
            ["MusicCluster__Library__SeedCount"] = SeedCount.ToString(),
            ["MusicCluster__Library__Bars"] = "8",
            ["MusicCluster__Library__BatchSize"] = "1",
            ["MusicCluster__Author"] = "Browser Test Author",
            ["MusicCluster__ReferenceDataset"] = _reference,
        };
    }
}

/// <summary>A first visit to a fresh install: the starter library is generated while the user watches, then explored.</summary>
public sealed class StarterLibraryPageTests(SeedingClientFixture client) : IClassFixture<SeedingClientFixture>
{
    private static readonly LocatorAssertionsToHaveCountOptions Seeding = new() { Timeout = 300_000 };

    [SkippableFact]
    public async Task The_library_shows_seeding_progress_then_pieces_and_a_piece_shows_notation_piano_roll_metrics_and_similarity()
    {
        await using BrowserSession browser = await BrowserSession.StartAsync();
        IPage page = browser.Page;
        await page.GotoAsync(new Uri(client.BaseAddress, "/library").ToString());

        // While seeding runs the page says so, with a progress bar.
        ILocator progress = page.GetByTestId("library-seeding");
        await Assertions.Expect(progress).ToBeVisibleAsync();
        await Assertions.Expect(progress).ToContainTextAsync($"Generating the starter library:");
        await Assertions.Expect(progress).ToContainTextAsync($"of {SeedingClientFixture.SeedCount}");
        await browser.ScreenshotAsync("library-seeding");

        // The pieces arrive without a reload, and the bar goes away when the library is complete.
        ILocator rows = page.GetByTestId("library-row");
        await Assertions.Expect(rows).ToHaveCountAsync(SeedingClientFixture.SeedCount, Seeding);
        await Assertions.Expect(progress).ToBeHiddenAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(rows.First).ToContainTextAsync("Chorale study No.");
        await browser.ScreenshotAsync("library-seeded");

        await page.GetByTestId("library-sort").SelectOptionAsync("score");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(SeedingClientFixture.SeedCount);
        await rows.First.GetByRole(AriaRole.Link).First.ClickAsync();

        // Staff notation (OpenSheetMusicDisplay SVG) and numbered notation.
        ILocator staff = page.GetByTestId("staff-notation");
        await Assertions.Expect(staff).ToHaveAttributeAsync("data-rendered", "true", new() { Timeout = 60_000 });
        Assert.True(await staff.Locator("svg").CountAsync() > 0, "OpenSheetMusicDisplay drew no SVG");
        await page.WaitForFunctionAsync("() => { const img = document.querySelector('[data-testid=jianpu]'); return img.complete && img.naturalWidth > 0; }");

        // The piano roll: every note drawn, in colours (the bar scores), not grey.
        ILocator roll = page.GetByTestId("piano-roll");
        await Assertions.Expect(roll).ToHaveAttributeAsync("data-rendered", "true", new() { Timeout = 30_000 });
        Assert.True(int.Parse((await roll.GetAttributeAsync("data-notes"))!) > 0);
        int coloured = await page.EvaluateAsync<int>(@"() => {
            const canvas = document.querySelector('[data-testid=piano-roll]');
            const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let count = 0;
            for (let i = 0; i < data.length; i += 4)
                if (data[i + 3] > 200 && Math.max(data[i], data[i + 1], data[i + 2]) - Math.min(data[i], data[i + 1], data[i + 2]) > 60) count++;
            return count;
        }");
        Assert.True(coloured > 100, $"only {coloured} strongly coloured pixels on the piano roll");
        await Assertions.Expect(page.Locator("#piano-roll-model")).ToContainTextAsync("Scores by default");

        // Metrics against the real data (Chart.js) and the nearest real pieces with their shared passage.
        await Assertions.Expect(page.GetByTestId("metrics-chart")).ToHaveAttributeAsync("data-rendered", "true", new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#metrics-source")).ToContainTextAsync("Jsb16thSeparated.json");
        ILocator similar = page.GetByTestId("similar-piece");
        await Assertions.Expect(similar.First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("similarity")).ToContainTextAsync("synthetic-reference");
        await Assertions.Expect(page.GetByTestId("provenance")).ToContainTextAsync("Browser Test Author");

        await page.GetByRole(AriaRole.Button, new() { Name = "5 star(s)" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("rating-summary")).ToContainTextAsync("5.0 from 1 rating(s)");
        await page.GetByTestId("metrics-chart").ScrollIntoViewIfNeededAsync();
        await browser.ScreenshotAsync("piece-analysis");
        Assert.Empty(browser.Errors);
    }
}
