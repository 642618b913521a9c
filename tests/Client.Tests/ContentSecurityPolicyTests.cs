using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Music.Data;
using MusicCluster.Music.Midi;

namespace MusicCluster.Client.Tests;

/// <summary>
/// The script policy (issue 13): every response carries <c>script-src 'self'</c> without 'unsafe-inline' or
/// 'unsafe-eval', and no page the site renders holds a script the policy would refuse (an inline script, an event-handler
/// attribute, a javascript: link). Every Razor page the app maps is visited, anonymous and signed in as admin, so a new
/// page is checked without being listed here.
/// </summary>
public sealed partial class ContentSecurityPolicyTests(TrainingClientFixture fixture) : IClassFixture<TrainingClientFixture>
{
    private const string PieceId = "csp-piece";

    [Fact]
    public async Task Every_page_carries_the_script_policy_and_holds_no_inline_script()
    {
        await fixture.Factory.Services.GetRequiredService<IClusterClient>().GetGrain<IPieceGrain>(PieceId)
            .CreateAsync(new NewPiece("Policy check", MidiFileWriter.Write(SyntheticCorpus.Generate(1, seed: 8)[0]), null, null));
        string runId = await StartRunAsync();

        var urls = new List<string>();
        foreach (string pattern in PageRoutes())
        {
            string url = "/" + pattern
                .Replace("pieces/{id}", $"pieces/{PieceId}", StringComparison.Ordinal)
                .Replace("training/{id}", $"training/{runId}", StringComparison.Ordinal);
            Assert.False(url.Contains('{'), $"page route {pattern}: give the test a value for its parameters");
            urls.Add(url);
        }
        // The comparison page draws its charts only with runs to compare; an unknown piece is a 404 page.
        urls.Add($"/training/compare?ids={runId}&ids={runId}");
        urls.Add("/pieces/no-such-piece");
        Assert.Superset(new HashSet<string> { "/", "/library", "/evaluate", "/training", "/models", "/cluster", "/obs", "/login",
            $"/pieces/{PieceId}", $"/training/{runId}", "/training/compare" }, urls.ToHashSet());

        int pages = 0;
        foreach (HttpClient client in new[] { fixture.Anonymous, fixture.Admin })
            foreach (string url in urls)
            {
                HttpResponseMessage response = await client.GetAsync(url);
                Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound or HttpStatusCode.Redirect, $"{url}: {response.StatusCode}");
                AssertScriptPolicy(url, response);
                if (response.Content.Headers.ContentType?.MediaType != "text/html") continue;
                AssertNoInlineScript(url, await response.Content.ReadAsStringAsync());
                pages++;
            }
        Assert.True(pages >= 2 * 11, $"only {pages} HTML pages checked");

        // The Orleans dashboard's page (admin only) is under the same policy, and so are other answers (JSON, problems).
        HttpResponseMessage dashboard = await fixture.Admin.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Equal("text/html", dashboard.Content.Headers.ContentType?.MediaType);
        AssertScriptPolicy("/dashboard/", dashboard);
        AssertNoInlineScript("/dashboard/", await dashboard.Content.ReadAsStringAsync());
        AssertScriptPolicy("/api/pieces", await fixture.Anonymous.GetAsync("/api/pieces"));
        AssertScriptPolicy("/api/pieces/no-such-piece", await fixture.Anonymous.GetAsync("/api/pieces/no-such-piece"));
    }

    [Fact]
    public async Task The_overlay_may_be_framed_by_streaming_software_but_runs_only_the_sites_scripts()
    {
        HttpResponseMessage overlay = await fixture.Anonymous.GetAsync("/obs");
        string policy = AssertScriptPolicy("/obs", overlay);
        Assert.DoesNotContain("frame-ancestors", policy);
        Assert.Contains("frame-ancestors 'self'", AssertScriptPolicy("/", await fixture.Anonymous.GetAsync("/")));
    }

    /// <summary>Checks the policy's script directives and returns the whole policy.</summary>
    private static string AssertScriptPolicy(string url, HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var values), $"{url}: no Content-Security-Policy");
        string policy = Assert.Single(values);
        var directives = policy.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d.Split(' ').Skip(1).ToArray());
        Assert.True(directives.TryGetValue("script-src", out string[]? scripts), $"{url}: no script-src in {policy}");
        Assert.Equal(["'self'"], scripts);
        Assert.Equal(["blob:"], directives["worker-src"]);
        Assert.Equal(["'self'"], directives["connect-src"]);
        Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
        return policy;
    }

    private static void AssertNoInlineScript(string url, string html)
    {
        foreach (Match script in ScriptTag().Matches(html))
        {
            string attributes = script.Groups[1].Value;
            Assert.True(SrcAttribute().IsMatch(attributes) || attributes.Contains("type=\"application/json\"", StringComparison.Ordinal),
                $"{url}: inline script <script{attributes}>");
        }
        Match handler = EventHandlerAttribute().Match(html);
        Assert.False(handler.Success, $"{url}: event-handler attribute {handler.Value}");
        Match link = JavascriptUrl().Match(html);
        Assert.False(link.Success, $"{url}: javascript: URL {link.Value}");
    }

    /// <summary>The route patterns of the app's Razor pages (GET), from its endpoint table.</summary>
    private IEnumerable<string> PageRoutes() =>
        fixture.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PageActionDescriptor>() is not null)
            .Select(e => e.RoutePattern.RawText ?? "")
            .Where(p => !p.Equals("Index", StringComparison.OrdinalIgnoreCase))
            .Distinct()
            .Order(StringComparer.Ordinal);

    private async Task<string> StartRunAsync()
    {
        var config = new
        {
            dataset = "synthetic-demo",
            checkpointEvery = 5,
            settings = new { layers = 1, heads = 2, modelWidth = 16, contextLength = 32, dropout = 0.0, batchSize = 2, mleSteps = 5, validateEvery = 5 },
        };
        HttpResponseMessage started = await fixture.Admin.PostAsJsonAsync("/api/training-runs", config);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        return (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
    }

    [GeneratedRegex(@"<script\b([^>]*)>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();

    [GeneratedRegex(@"\ssrc\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex SrcAttribute();

    [GeneratedRegex(@"<[a-zA-Z][^>]*\son[a-z]+\s*=[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandlerAttribute();

    [GeneratedRegex(@"(href|src|action|formaction)\s*=\s*[""']?\s*javascript:", RegexOptions.IgnoreCase)]
    private static partial Regex JavascriptUrl();
}
