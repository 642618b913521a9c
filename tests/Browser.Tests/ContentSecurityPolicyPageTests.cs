using Microsoft.Playwright;
using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Music.Data;
using MusicCluster.Music.Midi;

namespace MusicCluster.Browser.Tests;

/// <summary>
/// Every page under the site's content security policy (issue 13: <c>script-src 'self'</c>, <c>worker-src blob:</c>,
/// <c>connect-src 'self'</c>) in Chromium: the browser reports no violation (securitypolicyviolation events and its
/// console), and each page's scripts do their work (notation drawn, keys built, charts filled, SignalR over WebSocket).
/// </summary>
public sealed class ContentSecurityPolicyPageTests(ClientProcessFixture client) : IClassFixture<ClientProcessFixture>
{
    private const string PieceId = "policy-0";
    private static readonly LocatorAssertionsToHaveAttributeOptions Patient = new() { Timeout = 60_000 };

    [SkippableFact]
    public async Task Every_page_runs_its_scripts_without_a_policy_violation()
    {
        IClusterClient cluster = await client.ConnectAsync();
        IPieceGrain piece = cluster.GetGrain<IPieceGrain>(PieceId);
        if (await piece.GetAsync() is null)
        {
            var chorale = LibraryAndPiecePageTests.AsChoraleModelOutput(SyntheticCorpus.Generate(1, seed: 31)[0]);
            await piece.CreateAsync(new NewPiece("Policy chorale", MidiFileWriter.Write(chorale), null, null));
        }

        await using BrowserSession browser = await BrowserSession.StartAsync();
        IPage page = browser.Page;
        var violations = new List<string>();
        await page.ExposeFunctionAsync("reportPolicyViolation", (string violation) => { lock (violations) violations.Add($"{page.Url}: {violation}"); });
        await page.AddInitScriptAsync("""
            document.addEventListener('securitypolicyviolation', e =>
                window.reportPolicyViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`));
            """);
        string Url(string path) => new Uri(client.BaseAddress, path).ToString();

        // Sign in through the form (form-action 'self'), then start a small run so there is a run page to open.
        await page.GotoAsync(Url("/login?ReturnUrl=%2Flibrary"));
        await page.Locator("#password").FillAsync(ClientProcessFixture.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(Url("/library"));
        IAPIResponse started = await page.APIRequest.PostAsync(Url("/api/training-runs"), new()
        {
            DataObject = new
            {
                dataset = "synthetic-demo",
                checkpointEvery = 5,
                settings = new { layers = 1, heads = 2, modelWidth = 16, contextLength = 32, dropout = 0.0, batchSize = 2, mleSteps = 10, validateEvery = 5 },
            },
        });
        Assert.True(started.Ok, $"starting a run: HTTP {started.Status}");
        string runId = (await started.JsonAsync())!.Value.GetProperty("runId").GetString()!;

        // Studio: the melody keys are built and Tone.js is loaded (its clock worker comes from a blob: URL).
        await page.GotoAsync(Url("/"));
        await Assertions.Expect(page.GetByTestId("melody-key-60")).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => typeof Tone !== 'undefined' && Tone.context.sampleRate > 0"));

        // The live pages: their hubs connect over WebSocket (connect-src 'self' takes in ws: to this host).
        var hubs = new (string Path, string Hub)[]
        {
            ("/cluster", "/hubs/status"), ("/training", "/hubs/training"), ($"/training/{runId}", "/hubs/training"),
        };
        foreach ((string path, string hub) in hubs)
        {
            IWebSocket? socket = null;
            try
            {
                socket = await page.RunAndWaitForWebSocketAsync(() => page.GotoAsync(Url(path)),
                    new() { Predicate = ws => ws.Url.Contains(hub, StringComparison.Ordinal), Timeout = 60_000 });
            }
            catch (TimeoutException)
            {
                lock (violations) Assert.Fail($"{path} opened no WebSocket to {hub}; violations: {string.Join("; ", violations)}; errors: {string.Join("; ", browser.Errors)}");
            }
            Assert.StartsWith("ws://", socket!.Url, StringComparison.Ordinal);
        }

        // The overlay (it follows sessions once one starts: StudioAndEvaluationTests) loads Tone.js and SignalR.
        await page.GotoAsync(Url("/obs"));
        await Assertions.Expect(page.GetByTestId("obs-overlay")).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => typeof Tone !== 'undefined' && typeof signalR !== 'undefined'"));

        // The library lists the piece; the models page lists the shipped models.
        await page.GotoAsync(Url("/library"));
        await Assertions.Expect(page.GetByTestId("library-row").First).ToBeVisibleAsync();
        await page.GotoAsync(Url("/models"));
        await Assertions.Expect(page.GetByTestId("model").First).ToBeVisibleAsync();

        // The run's page: its charts are made by training-charts.js.
        await page.GotoAsync(Url($"/training/{runId}"));
        await page.WaitForFunctionAsync("() => typeof Chart !== 'undefined' && Chart.getChart('chart-loss') !== undefined", null, new() { Timeout = 60_000 });

        // The comparison page: its script (once inline, now training-compare.js) fills a series per run.
        await page.GotoAsync(Url($"/training/compare?ids={runId}"));
        await page.WaitForFunctionAsync("() => typeof Chart !== 'undefined' && Chart.getChart('chart-nll')?.data.datasets.length === 1", null, new() { Timeout = 60_000 });

        // A piece: OpenSheetMusicDisplay draws the staves, the piano roll and the metric charts are drawn.
        await page.GotoAsync(Url($"/pieces/{PieceId}"));
        await Assertions.Expect(page.GetByTestId("staff-notation")).ToHaveAttributeAsync("data-rendered", "true", Patient);
        await Assertions.Expect(page.GetByTestId("piano-roll")).ToHaveAttributeAsync("data-rendered", "true", Patient);

        // The evaluation room: the on-screen piano is built by its script.
        await page.GotoAsync(Url("/evaluate"));
        await Assertions.Expect(page.GetByTestId("piano").GetByTestId("piano-key").First).ToBeVisibleAsync();

        // The Orleans dashboard (admin only) under the same policy: its script builds the menu and reads the cluster.
        await page.GotoAsync(Url("/dashboard/"));
        await Assertions.Expect(page.Locator("#menu a").First).ToBeVisibleAsync(new() { Timeout = 60_000 });

        // The sign-in page itself, signed out.
        await page.Context.ClearCookiesAsync();
        await page.GotoAsync(Url("/login"));
        await Assertions.Expect(page.GetByTestId("login-form")).ToBeVisibleAsync();

        await browser.ScreenshotAsync("policy-login");
        lock (violations) Assert.True(violations.Count == 0, "policy violations:\n" + string.Join("\n", violations));
        Assert.True(browser.Errors.Count == 0, "errors:\n" + string.Join("\n", browser.Errors));

        // The policy is in force, and a violation is seen when there is one: an inline script is refused and reported.
        string inline = await page.EvaluateAsync<string>("""
            () => new Promise(resolve => {
                document.addEventListener('securitypolicyviolation', e => resolve(e.violatedDirective), { once: true });
                const script = document.createElement('script');
                script.textContent = 'window.inlineScriptRan = true';
                document.head.appendChild(script);
                if (window.inlineScriptRan === true) resolve('the inline script ran');
            })
            """);
        Assert.StartsWith("script-src", inline, StringComparison.Ordinal);
    }
}
