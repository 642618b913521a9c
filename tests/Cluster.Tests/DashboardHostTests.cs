using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MusicCluster.Cluster.Tests;

/// <summary>
/// A web app with its embedded silo, started as users start it with no admin password configured: it generates one and
/// prints it once. The Dashboard host tests join its cluster through its gateway.
/// </summary>
public sealed class GeneratedPasswordClusterFixture : IAsyncLifetime
{
    private ProcessHost? _client;

    public EmbeddedClientSettings Settings { get; } = EmbeddedClientSettings.CreateFresh();

    /// <summary>The admin password the web app generated and printed.</summary>
    public string GeneratedPassword { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _client = ProcessHost.Start("Client", "MusicCluster.Client", Settings.ToEnvironment(), "--urls", $"http://127.0.0.1:{FreePort.Next()}");
        const string printed = "admin password (shown only this once): ";
        string line = await _client.WaitForLineAsync(printed, TimeSpan.FromSeconds(120));
        GeneratedPassword = line[(line.IndexOf(printed, StringComparison.Ordinal) + printed.Length)..].Trim();
        await _client.WaitForLineAsync("Now listening on", TimeSpan.FromSeconds(120));
    }

    public async Task DisposeAsync()
    {
        if (_client is null) return;
        await _client.TerminateAsync(TimeSpan.FromSeconds(60));
        await _client.DisposeAsync();
    }
}

/// <summary>
/// The Dashboard host (issue 13): the Orleans dashboard only for the admin, signed in at the host's /login with the web
/// app's admin password: <c>MusicCluster:AdminPassword</c>, or when unset the one the web app generated (its hash is
/// kept in the cluster). Anonymous: the page redirects to /login, its data calls are 401; /healthz stays anonymous.
/// </summary>
[Trait("Category", "Cluster")]
public sealed partial class DashboardHostTests(GeneratedPasswordClusterFixture cluster) : IClassFixture<GeneratedPasswordClusterFixture>
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Without_a_configured_password_the_dashboard_takes_the_one_the_web_app_generated()
    {
        (ProcessHost started, Uri address) = await StartDashboardAsync();
        await using ProcessHost dashboard = started;
        using HttpClient web = Browser(address);

        // Anonymous: health answers, the page sends to the sign-in, everything else under /dashboard is 401.
        Assert.Equal("Healthy", await web.GetStringAsync("/healthz"));
        HttpResponseMessage page = await web.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/login?ReturnUrl=%2Fdashboard%2F", page.Headers.Location!.PathAndQuery);
        foreach (string call in new[] { "/dashboard/ClusterStats", "/dashboard/DashboardCounters", "/dashboard/index.min.js" })
            Assert.Equal(HttpStatusCode.Unauthorized, (await web.GetAsync(call)).StatusCode);
        string policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", policy);
        Assert.Contains("frame-ancestors 'self'", policy);

        // The sign-in form takes no post without its antiforgery token, and no wrong password.
        Assert.Equal(HttpStatusCode.BadRequest, (await web.PostAsync("/login", Form(("password", cluster.GeneratedPassword)))).StatusCode);
        HttpResponseMessage wrong = await SignInAsync(web, "not the password");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("not the admin password", await wrong.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await web.GetAsync("/dashboard/")).StatusCode);

        // The web app's generated password: back to the page asked for, and the dashboard reads the cluster.
        HttpResponseMessage signedIn = await SignInAsync(web, cluster.GeneratedPassword, "/dashboard/");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/dashboard/", signedIn.Headers.Location!.OriginalString);
        HttpResponseMessage served = await web.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Contains("<title>Orleans Dashboard</title>", await served.Content.ReadAsStringAsync());
        HttpResponseMessage stats = await web.GetAsync("/dashboard/ClusterStats");
        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
        using (JsonDocument.Parse(await stats.Content.ReadAsStringAsync())) { }
        Assert.Equal(HttpStatusCode.OK, (await web.GetAsync("/dashboard/index.min.js")).StatusCode);

        // Signing out closes it again.
        string form = await web.GetStringAsync("/login");
        Assert.Equal(HttpStatusCode.Redirect, (await web.PostAsync("/logout", Form(("__RequestVerificationToken", Token(form))))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await web.GetAsync("/dashboard/ClusterStats")).StatusCode);
        Assert.Equal(0, await dashboard.TerminateAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task A_configured_password_is_the_one_the_dashboard_takes()
    {
        const string configured = "dashboard-test-admin";
        (ProcessHost started, Uri address) = await StartDashboardAsync(("MusicCluster__AdminPassword", configured));
        await using ProcessHost dashboard = started;
        using HttpClient web = Browser(address);

        Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(web, cluster.GeneratedPassword)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(web, configured)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await web.GetAsync("/dashboard/ClusterStats")).StatusCode);
        // A return address on another host is not followed.
        using HttpClient other = Browser(address);
        HttpResponseMessage elsewhere = await SignInAsync(other, configured, "//evil.example/");
        Assert.Equal("/dashboard/", elsewhere.Headers.Location!.OriginalString);
        Assert.Equal(0, await dashboard.TerminateAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task With_the_cluster_gone_and_no_configured_password_the_sign_in_says_so_with_a_503_instead_of_failing()
    {
        // A web app of its own, which this test stops (the fixture's keeps serving the other tests).
        EmbeddedClientSettings settings = EmbeddedClientSettings.CreateFresh();
        await using ProcessHost web = ProcessHost.Start("Client", "MusicCluster.Client", settings.ToEnvironment(), "--urls", $"http://127.0.0.1:{FreePort.Next()}");
        await web.WaitForLineAsync("Now listening on", StartTimeout);
        (ProcessHost started, Uri address) = await StartDashboardAsync(settings.GatewayPort);
        await using ProcessHost dashboard = started;
        using HttpClient browser = Browser(address);
        string form = await browser.GetStringAsync("/login");
        // A second web host joined to the same cluster as a client (cluster mode): its own sign-in needs the cluster too.
        var joinedAddress = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        await using ProcessHost joined = ProcessHost.Start("Client", "MusicCluster.Client", new Dictionary<string, string>
        {
            ["Orleans__Mode"] = "Client",
            ["Cluster__Clustering"] = "Localhost",
            ["Cluster__GatewayPorts"] = settings.GatewayPort.ToString(),
            ["MusicCluster__DataPath"] = settings.DataPath,
        }, "--urls", joinedAddress.ToString());
        await joined.WaitForLineAsync("Now listening on", StartTimeout);
        using HttpClient joinedBrowser = Browser(joinedAddress);
        string joinedForm = await joinedBrowser.GetStringAsync("/login");

        await web.TerminateAsync(TimeSpan.FromSeconds(60));
        HttpResponseMessage joinedRefused = await joinedBrowser.PostAsync("/login", Form(("__RequestVerificationToken", RazorToken(joinedForm)), ("Password", "a guess")));
        string joinedPage = await joinedRefused.Content.ReadAsStringAsync();
        Assert.True(joinedRefused.StatusCode == HttpStatusCode.ServiceUnavailable, $"{joinedRefused.StatusCode}: {joinedPage}");
        Assert.Equal(TimeSpan.FromSeconds(10), joinedRefused.Headers.RetryAfter?.Delta);
        Assert.Contains("The cluster cannot be reached, so the password cannot be checked", joinedPage);
        foreach (string password in new[] { "a guess", "another guess" })
        {
            HttpResponseMessage refused = await browser.PostAsync("/login", Form(("__RequestVerificationToken", Token(form)), ("password", password), ("returnUrl", "")));
            string page = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, $"{refused.StatusCode}: {page}");
            Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TimeSpan.FromSeconds(10), refused.Headers.RetryAfter?.Delta);
            Assert.Contains("The cluster cannot be reached, so the password cannot be checked", page);
            Assert.Contains("MusicCluster:AdminPassword", page);
            // The form is there to try again, and nothing was let in.
            Assert.Contains("data-testid=\"login-form\"", page);
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/dashboard/ClusterStats")).StatusCode);
        }
        Assert.Equal("Healthy", await browser.GetStringAsync("/healthz"));
        Assert.False(dashboard.HasExited);
    }

    private Task<(ProcessHost Dashboard, Uri Address)> StartDashboardAsync(params (string Key, string Value)[] more) =>
        StartDashboardAsync(cluster.Settings.GatewayPort, more);

    private static async Task<(ProcessHost Dashboard, Uri Address)> StartDashboardAsync(int gatewayPort, params (string Key, string Value)[] more)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        var environment = new Dictionary<string, string>
        {
            ["Cluster__Clustering"] = "Localhost",
            ["Cluster__GatewayPorts"] = gatewayPort.ToString(),
        };
        foreach ((string key, string value) in more) environment[key] = value;
        ProcessHost dashboard = ProcessHost.Start("Dashboard", "MusicCluster.Dashboard", environment, "--urls", address.ToString());
        await dashboard.WaitForLineAsync("Now listening on", StartTimeout);
        return (dashboard, address);
    }

    private static HttpClient Browser(Uri address) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = address };

    /// <summary>Fetches the sign-in form for its antiforgery token and posts the password (and where to go next).</summary>
    private static async Task<HttpResponseMessage> SignInAsync(HttpClient web, string password, string? returnUrl = null)
    {
        string form = await web.GetStringAsync("/login");
        return await web.PostAsync("/login", Form(("__RequestVerificationToken", Token(form)), ("password", password), ("returnUrl", returnUrl ?? "")));
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    private static string Token(string html)
    {
        Match match = TokenField().Match(html);
        Assert.True(match.Success, "no antiforgery token in the page");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    /// <summary>The antiforgery token of a Razor page's form (the web app's /login), whose hidden field lists its type before its value.</summary>
    private static string RazorToken(string html)
    {
        Match match = RazorTokenField().Match(html);
        Assert.True(match.Success, "no antiforgery token in the page");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex RazorTokenField();
}
