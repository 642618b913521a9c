using System.Net;
using System.Text.RegularExpressions;

namespace MusicCluster.Client.Tests;

/// <summary>
/// The pages' own scripts are ES modules (wwwroot/js): every page loads them with type="module", every import they
/// make is served, none sets a global on window, and each is answered with Cache-Control: no-cache (imports carry no
/// version hash, so browsers must revalidate them after a deploy).
/// </summary>
public sealed partial class PageScriptModulesTests
{
    [Fact]
    public async Task Pages_load_their_scripts_as_modules_whose_imports_are_all_served_and_revalidated()
    {
        await using var factory = new ClientFactory(EmbeddedClientSettings.CreateFresh());
        HttpClient client = factory.CreateClient();

        var pending = new Queue<string>();
        foreach (string page in new[] { "/", "/evaluate", "/obs", "/obs?radio=1", "/cluster", "/library", "/training", "/models" })
        {
            string html = await client.GetStringAsync(page);
            foreach (Match script in ScriptTag().Matches(html))
            {
                string tag = script.Value, src = script.Groups["src"].Value;
                if (!src.StartsWith("/js/", StringComparison.Ordinal)) continue; // wwwroot/lib: third-party classic scripts
                Assert.True(tag.Contains("type=\"module\"", StringComparison.Ordinal), $"{page}: {tag} is not a module");
                pending.Enqueue(src.Split('?')[0]);
            }
        }
        Assert.NotEmpty(pending);

        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryDequeue(out string? path))
        {
            if (!seen.Add(path)) continue;
            HttpResponseMessage response = await client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}");
            // A module must come with a JavaScript MIME type, or the browser refuses it.
            Assert.Contains(response.Content.Headers.ContentType?.MediaType, new[] { "text/javascript", "application/javascript" });
            Assert.True(response.Headers.CacheControl?.NoCache == true, $"{path}: Cache-Control {response.Headers.CacheControl}");
            string text = await response.Content.ReadAsStringAsync();
            Match global = WindowGlobal().Match(text);
            Assert.False(global.Success, $"{path} sets a global: {global.Value}");
            foreach (Match import in Import().Matches(text))
                pending.Enqueue("/js/" + import.Groups["file"].Value);
        }
        // The shared modules were reached through the pages' imports.
        Assert.Superset(new HashSet<string> { "/js/api.js", "/js/hub.js", "/js/live-roll.js", "/js/generation-watch.js", "/js/score-colour.js" }, seen);
    }

    [GeneratedRegex("<script\\b[^>]*\\bsrc=\"(?<src>[^\"]+)\"[^>]*>")]
    private static partial Regex ScriptTag();

    [GeneratedRegex("^import\\b[^;]*?from\\s+[\"']\\./(?<file>[a-z-]+\\.js)[\"']", RegexOptions.Multiline)]
    private static partial Regex Import();

    [GeneratedRegex("window\\.\\w+\\s*=[^=]")]
    private static partial Regex WindowGlobal();
}
