using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace MusicCluster.Browser.Tests;

/// <summary>
/// The pages' one SignalR set-up (wwwroot/js/hub.js): the navigation shows how the live connection stands, and a
/// connection that is cut comes back by itself and reopens the page's stream.
/// </summary>
public sealed class LiveConnectionPageTests(ClientProcessFixture client) : IClassFixture<ClientProcessFixture>
{
    [SkippableFact]
    public async Task A_cut_live_connection_shows_reconnecting_then_comes_back_and_the_page_stays_live()
    {
        await using BrowserSession browser = await BrowserSession.StartAsync();
        IPage page = browser.Page;
        // Every state the indicator shows, in order, for the test to read back.
        await page.AddInitScriptAsync("""
            window.liveStates = [];
            document.addEventListener('DOMContentLoaded', () => {
                const indicator = document.querySelector('[data-live-status]');
                new MutationObserver(() => window.liveStates.push(indicator.dataset.liveStatus))
                    .observe(indicator, { attributes: true, attributeFilter: ['data-live-status'] });
            });
            """);
        var sockets = new List<IWebSocketRoute>();
        await page.RouteWebSocketAsync(new Regex("/hubs/status"), socket =>
        {
            socket.ConnectToServer();
            lock (sockets) sockets.Add(socket);
        });

        await page.GotoAsync(new Uri(client.BaseAddress, "/cluster").ToString());
        ILocator status = page.GetByTestId("live-status");
        await Assertions.Expect(status).ToHaveAttributeAsync("data-live-status", "live", new() { Timeout = 30_000 });
        await Assertions.Expect(status).ToHaveTextAsync("live");
        await Assertions.Expect(status).ToBeVisibleAsync();

        // Cut the connection as a network drop would (the server side closes it).
        IWebSocketRoute first;
        lock (sockets) first = Assert.Single(sockets);
        await first.CloseAsync(new() { Code = 4000, Reason = "cut by the test" });

        // It comes back by itself on a new WebSocket, and the indicator said so on the way.
        await Assertions.Expect(status).ToHaveAttributeAsync("data-live-status", "live", new() { Timeout = 60_000 });
        await Poll.UntilAsync(() => { lock (sockets) return Task.FromResult(sockets.Count); }, n => n >= 2, TimeSpan.FromSeconds(60), "a second WebSocket to /hubs/status");
        string[] states = await page.EvaluateAsync<string[]>("() => window.liveStates");
        int reconnecting = Array.IndexOf(states, "reconnecting");
        Assert.True(reconnecting >= 0, $"the indicator never showed reconnecting: {string.Join(", ", states)}");
        Assert.Equal("live", states[^1]);

        // The cluster stream was opened again on the new connection: the table keeps moving.
        string after = await page.Locator("#taken-at").InnerTextAsync();
        await Assertions.Expect(page.Locator("#taken-at")).Not.ToHaveTextAsync(after, new() { Timeout = 30_000 });

        Assert.DoesNotContain(browser.Errors, e => e.StartsWith("page error", StringComparison.Ordinal));
    }
}
