using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace MusicCluster.Browser.Tests;

/// <summary>A researcher signs in, starts a small run from /training, watches it live, pauses and resumes it, and finds its checkpoints on /models.</summary>
public sealed partial class TrainingPageTests(ClientProcessFixture client) : IClassFixture<ClientProcessFixture>
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(3);

    private static Task<int> PointsAsync(IPage page, string canvas) =>
        page.EvaluateAsync<int>($"() => Chart.getChart('{canvas}').data.datasets.reduce((n, d) => n + d.data.length, 0)");

    [SkippableFact]
    public async Task Sign_in_start_a_run_see_it_train_live_pause_resume_and_see_its_checkpoints()
    {
        await using BrowserSession browser = await BrowserSession.StartAsync();
        IPage page = browser.Page;
        string Url(string path) => new Uri(client.BaseAddress, path).ToString();

        await page.GotoAsync(Url("/training"));
        await Assertions.Expect(page.GetByTestId("login-hint")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("start-run")).ToBeDisabledAsync();
        await page.GetByTestId("sign-in").ClickAsync();
        await page.Locator("#password").FillAsync(ClientProcessFixture.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(Url("/training"));
        await Assertions.Expect(page.GetByTestId("signed-in")).ToBeVisibleAsync();

        // The page checks the form itself: 3 heads cannot split a width of 16.
        var fields = new Dictionary<string, string>
        {
            ["Layers"] = "1",
            ["Heads"] = "3",
            ["ModelWidth"] = "16",
            ["ContextLength"] = "32",
            ["Dropout"] = "0",
            ["BatchSize"] = "2",
            ["MleSteps"] = "100000", // far more than the test lasts: it pauses and stops the run, which must not end first
            ["AdversarialSteps"] = "0",
            ["ValidateEvery"] = "5",
            ["CheckpointEvery"] = "1000", // pausing and stopping write the checkpoints the test looks for
        };
        foreach (var (field, value) in fields) await page.GetByTestId($"field-{field}").FillAsync(value);
        await page.GetByTestId("start-run").ClickAsync();
        Assert.False(await page.GetByTestId("field-ModelWidth").EvaluateAsync<bool>("e => e.checkValidity()"));
        Assert.Contains("divisible", await page.GetByTestId("field-ModelWidth").EvaluateAsync<string>("e => e.validationMessage"));
        await Assertions.Expect(page).ToHaveURLAsync(Url("/training"));
        await browser.ScreenshotAsync("training-form");

        await page.GetByTestId("field-Heads").FillAsync("2");
        await page.GetByTestId("start-run").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(RunPage());
        await Assertions.Expect(page.GetByTestId("status")).ToHaveTextAsync("Running", new() { Timeout = 60_000 });

        // The charts move and the log grows while it trains.
        await page.WaitForFunctionAsync("() => (Chart.getChart('chart-loss').data.datasets[0]?.data.length ?? 0) >= 2", null, new() { Timeout = (float)Long.TotalMilliseconds });
        int before = await PointsAsync(page, "chart-loss");
        string logBefore = await page.GetByTestId("log").InnerTextAsync();
        await page.WaitForFunctionAsync($"() => Chart.getChart('chart-loss').data.datasets.reduce((n, d) => n + d.data.length, 0) > {before}", null,
            new() { Timeout = (float)Long.TotalMilliseconds });
        await page.WaitForFunctionAsync("() => (Chart.getChart('chart-nll').data.datasets[0]?.data.length ?? 0) >= 1", null, new() { Timeout = (float)Long.TotalMilliseconds });
        await page.WaitForFunctionAsync($"() => document.querySelector('[data-testid=log]').innerText.length > {logBefore.Length}", null,
            new() { Timeout = (float)Long.TotalMilliseconds });
        await browser.ScreenshotAsync("training-run");

        // The controls follow the status: a running run can be paused or stopped, not resumed.
        await Assertions.Expect(page.Locator("#phase")).ToHaveTextAsync("MLE pre-training");
        await Assertions.Expect(page.GetByTestId("resume")).ToBeDisabledAsync();
        await Assertions.Expect(page.GetByTestId("stop")).ToBeEnabledAsync();
        await page.GetByTestId("pause").ClickAsync();
        await Assertions.Expect(page.GetByTestId("status")).ToHaveTextAsync("Paused", new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("pause")).ToBeDisabledAsync();
        await Assertions.Expect(page.GetByTestId("log")).ToContainTextAsync("paused at step");
        await page.GetByTestId("resume").ClickAsync();
        await Assertions.Expect(page.GetByTestId("status")).ToHaveTextAsync("Running", new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("log")).ToContainTextAsync("resuming from checkpoint", new() { Timeout = 60_000 });

        await page.GetByTestId("lr").FillAsync("0.002");
        await page.GetByTestId("set-lr").ClickAsync();
        await Assertions.Expect(page.GetByTestId("log")).ToContainTextAsync("learning rate set to 0.002", new() { Timeout = 30_000 });
        await page.GetByTestId("stop").ClickAsync();
        await Assertions.Expect(page.GetByTestId("status")).ToHaveTextAsync("Stopped", new() { Timeout = 60_000 });
        foreach (string control in new[] { "pause", "resume", "stop", "set-lr" }) await Assertions.Expect(page.GetByTestId(control)).ToBeDisabledAsync();
        string runId = page.Url[(page.Url.LastIndexOf('/') + 1)..];

        await page.GotoAsync(Url("/models"));
        await Assertions.Expect(page.GetByTestId("model").Filter(new() { HasText = runId })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("promote").First).ToBeVisibleAsync();
        await browser.ScreenshotAsync("models");
        // Promoting makes the checkpoint the default and rescores the (here empty) library; the page follows the job live.
        await page.GetByTestId("promote").First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("models-message")).ToContainTextAsync("is the default model now");
        await Assertions.Expect(page.GetByTestId("rescoring")).ToHaveAttributeAsync("data-status", "Completed", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#rescoring-message")).ToContainTextAsync("Rescoring completed");

        await page.GotoAsync(Url("/training"));
        await Assertions.Expect(page.Locator($"tr[data-run='{runId}'] [data-field=status]")).ToHaveTextAsync("Stopped");

        Assert.Empty(browser.Errors);
    }

    [GeneratedRegex("/training/run-[0-9a-z-]+$")]
    private static partial Regex RunPage();
}
