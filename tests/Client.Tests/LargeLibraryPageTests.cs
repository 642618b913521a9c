using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using MusicCluster.Grains.Interfaces.Library;

namespace MusicCluster.Client.Tests;

/// <summary>The library page over a starter-sized library (310 pieces): every page, sort and search stays correct.</summary>
public sealed partial class LargeLibraryPageTests
{
    [Fact]
    public async Task Three_hundred_and_ten_pieces_page_sort_and_search_on_the_library_page()
    {
        await using var factory = new ClientFactory(EmbeddedClientSettings.CreateFresh());
        HttpClient http = factory.CreateClient();
        ILibraryGrain library = factory.Services.GetRequiredService<IClusterClient>().GetGrain<ILibraryGrain>(0);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (int i = 0; i < 310; i++)
            await library.UpsertAsync(new PieceSummary($"starter-{i:D4}", $"Chorale study No. {i + 1} in {(i % 2 == 0 ? "G major" : "E minor")}",
                start.AddMinutes(i), (i * 37) % 101, new RatingSummary(i % 3, i % 5), "default", 16,
                $"chorale study no. {i + 1} {(i % 2 == 0 ? "g major" : "e minor")} starter-{i:D4}"));

        var seen = new List<string>();
        for (int pageNumber = 1; pageNumber <= 13; pageNumber++)
        {
            string html = await http.GetStringAsync($"/library?sort=score&p={pageNumber}");
            seen.AddRange(RowIds().Matches(html).Select(m => m.Groups[1].Value));
            Assert.Contains($"page {pageNumber} of 13", html);
        }
        // Every piece once, best score first.
        Assert.Equal(310, seen.Count);
        Assert.Equal(310, seen.Distinct().Count());
        var scores = seen.Select(id => (int.Parse(id["starter-".Length..]) * 37) % 101).ToList();
        Assert.Equal(scores.OrderDescending(), scores);

        // A page past the end, however large, shows the last page (an offset overflow once answered 500).
        foreach (string beyond in new[] { "14", "100000000", int.MaxValue.ToString() })
        {
            string html = await http.GetStringAsync($"/library?sort=score&p={beyond}");
            Assert.Contains("page 13 of 13", html);
            Assert.Equal(seen[300..], RowIds().Matches(html).Select(m => m.Groups[1].Value));
        }

        string minor = await http.GetStringAsync("/library?q=e%20minor&sort=created&order=asc");
        Assert.Contains("data-testid=\"library-total\">155<", minor);
        Assert.Equal("starter-0001", RowIds().Match(minor).Groups[1].Value);
        foreach (string format in new[] { "midi", "musicxml", "wav" }) Assert.Contains($"/api/pieces/starter-0001/{format}", minor);
    }

    [GeneratedRegex("<a href=\"/pieces/([a-z0-9-]+)\">")]
    private static partial Regex RowIds();
}
