using System.Net;
using System.Text.Json;

namespace MusicCluster.Client.Tests;

/// <summary>
/// The Orleans dashboard the Client maps at /dashboard in embedded mode is the admin's (issue 13): a browser that is not
/// signed in is sent to /login for its page and gets 401 for everything else under /dashboard (its script and the JSON
/// its page polls); signed in with the admin password, all of it is served. /healthz stays anonymous.
/// </summary>
public sealed class AdminDashboardTests(TrainingClientFixture fixture) : IClassFixture<TrainingClientFixture>
{
    private static readonly string[] DataCalls = ["/dashboard/ClusterStats", "/dashboard/DashboardCounters", "/dashboard/version", "/dashboard/index.min.js"];

    [Fact]
    public async Task An_anonymous_browser_is_sent_to_sign_in_for_the_page_and_refused_the_data()
    {
        foreach (string page in new[] { "/dashboard/", "/dashboard/index.html" })
        {
            HttpResponseMessage response = await fixture.Anonymous.GetAsync(page);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal($"/login?ReturnUrl={Uri.EscapeDataString(page)}", response.Headers.Location!.PathAndQuery);
        }
        // Without the slash the dashboard's own redirect to /dashboard/ or the sign-in; never the dashboard itself.
        HttpResponseMessage bare = await fixture.Anonymous.GetAsync("/dashboard");
        Assert.True(bare.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.MovedPermanently, $"/dashboard: {bare.StatusCode}");

        foreach (string call in DataCalls)
        {
            HttpResponseMessage response = await fixture.Anonymous.GetAsync(call);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal(401, (await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync())).RootElement.GetProperty("status").GetInt32());
        }

        HttpResponseMessage health = await fixture.Anonymous.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task The_signed_in_admin_is_served_the_page_and_its_data()
    {
        HttpResponseMessage page = await fixture.Admin.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<title>Orleans Dashboard</title>", await page.Content.ReadAsStringAsync());

        foreach (string call in DataCalls)
        {
            HttpResponseMessage response = await fixture.Admin.GetAsync(call);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{call}: {response.StatusCode}");
        }
        using JsonDocument stats = JsonDocument.Parse(await fixture.Admin.GetStringAsync("/dashboard/ClusterStats"));
        Assert.True(stats.RootElement.ValueKind is JsonValueKind.Object or JsonValueKind.Array, stats.RootElement.GetRawText());
    }

    [Fact]
    public async Task A_wrong_password_does_not_open_the_dashboard()
    {
        HttpClient client = AdminSession.Anonymous(fixture.Factory);
        Assert.Equal(HttpStatusCode.Unauthorized, (await AdminSession.PostLoginAsync(client, "not the password")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/dashboard/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/dashboard/ClusterStats")).StatusCode);
    }
}
