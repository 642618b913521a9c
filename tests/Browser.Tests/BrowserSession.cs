using Microsoft.Playwright;

namespace MusicCluster.Browser.Tests;

/// <summary>
/// Headless Debian Chromium through Playwright, with the flags this sandbox needs (no background networking), and
/// a record of console errors and failed requests so every page test can assert there were none.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private BrowserSession(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
        page.Console += (_, message) => { if (message.Type == "error") Errors.Add($"console: {message.Text}"); };
        page.PageError += (_, error) => Errors.Add($"page error: {error}");
        page.RequestFailed += (_, request) => Errors.Add($"request failed: {request.Url} {request.Failure}");
        page.Response += (_, response) => { if (response.Status >= 400) Errors.Add($"HTTP {response.Status}: {response.Url}"); };
    }

    public IPage Page { get; }
    public List<string> Errors { get; } = [];

    /// <param name="extraArgs">More Chromium flags, e.g. --autoplay-policy=no-user-gesture-required for a page that plays
    /// sound without a click (as OBS Studio's browser source lets it).</param>
    public static async Task<BrowserSession> StartAsync(params string[] extraArgs)
    {
        Prerequisite.Require(File.Exists(ChromiumPath), $"Chromium at {ChromiumPath} (Debian package chromium)");
        IPlaywright playwright = await Playwright.CreateAsync();
        IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", .. extraArgs],
        });
        IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        return new BrowserSession(playwright, browser, page);
    }

    /// <summary>Saves a full-page screenshot under TestResults/artifacts for the CI run to keep.</summary>
    public Task ScreenshotAsync(string name) =>
        Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepositoryPaths.ArtifactsFolder, $"{name}.png"), FullPage = true });

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
    }
}
