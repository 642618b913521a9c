using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Playwright;
using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Music.Data;
using MusicCluster.Music.Midi;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Browser.Tests;

/// <summary>A listener browsing the library and opening a piece.</summary>
public sealed class LibraryAndPiecePageTests(ClientProcessFixture client) : IClassFixture<ClientProcessFixture>, IAsyncLifetime
{
    /// <summary>"Chorale in G": a four-part chorale in the form the default model writes (see <see cref="AsChoraleModelOutput"/>).</summary>
    private const string ChoraleId = "browse-0";

    private static readonly string[] VoiceNames = ["Soprano", "Alto", "Tenor", "Bass"];

    public async Task InitializeAsync()
    {
        IClusterClient cluster = await client.ConnectAsync();
        var pieces = SyntheticCorpus.Generate(3, seed: 21).ToList();
        pieces[0] = AsChoraleModelOutput(pieces[0]);
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

    /// <summary>
    /// A synthetic four-part chorale as the default chorale model would write it: through the 16th-note grid and
    /// <see cref="ChoraleGrid.ToPiece"/> (tracks 0-3 named Soprano, Alto, Tenor, Bass, one note at a time each),
    /// keeping the chorale's key and tempo.
    /// </summary>
    internal static Piece AsChoraleModelOutput(Piece chorale) => ChoraleGrid.FromPiece(chorale).ToPiece() with
    {
        KeySignatures = chorale.KeySignatures,
        Tempos = chorale.Tempos,
        Metadata = chorale.Metadata,
    };

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
    public async Task Piece_page_prints_a_chorale_as_a_staff_per_voice_and_names_pitches_on_the_piano_roll()
    {
        await using BrowserSession browser = await BrowserSession.StartAsync();
        IPage page = browser.Page;
        await page.GotoAsync(new Uri(client.BaseAddress, $"/pieces/{ChoraleId}").ToString());

        // OpenSheetMusicDisplay lays out four parts, each one staff, named after its voice beside the first system.
        ILocator staff = page.GetByTestId("staff-notation");
        await Assertions.Expect(staff).ToHaveAttributeAsync("data-rendered", "true", new() { Timeout = 30_000 });
        await Assertions.Expect(staff).ToHaveAttributeAsync("data-parts", string.Join(", ", VoiceNames));
        await Assertions.Expect(staff).ToHaveAttributeAsync("data-staves-per-system", "4");
        foreach (string name in VoiceNames)
            await Assertions.Expect(staff.Locator("svg text").Filter(new() { HasTextRegex = new Regex($"^{name}$") }).First).ToBeVisibleAsync();

        // The score the page renders has the voices' clefs: treble, treble, treble an octave down, bass.
        IAPIResponse musicXml = await page.APIRequest.GetAsync(new Uri(client.BaseAddress, $"/api/pieces/{ChoraleId}/musicxml").ToString());
        Assert.True(musicXml.Ok, $"MusicXML: HTTP {musicXml.Status}");
        var clefs = XDocument.Parse(await musicXml.TextAsync()).Descendants("clef")
            .Select(c => $"{c.Element("sign")!.Value}{c.Element("line")!.Value}{(string?)c.Element("clef-octave-change")}");
        Assert.Equal(["G2", "G2", "G2-1", "F4"], clefs);

        // Numbered notation: one row per voice.
        IAPIResponse jianpu = await page.APIRequest.GetAsync(new Uri(client.BaseAddress, $"/api/pieces/{ChoraleId}/jianpu").ToString());
        var rows = XDocument.Parse(await jianpu.TextAsync()).Descendants().Where(e => (string?)e.Attribute("class") == "jp-line-name").Select(e => e.Value).ToList();
        Assert.Equal(VoiceNames, rows.Take(4));
        Assert.Equal(4, rows.Distinct().Count());

        // The piano roll names pitches along its vertical axis.
        ILocator roll = page.GetByTestId("piano-roll");
        await Assertions.Expect(roll).ToHaveAttributeAsync("data-rendered", "true", new() { Timeout = 30_000 });
        await Assertions.Expect(roll).ToHaveAttributeAsync("data-pitch-labels", new Regex(@"\bC4\b"));

        await staff.ScrollIntoViewIfNeededAsync();
        await browser.ScreenshotAsync("piece-chorale");
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
