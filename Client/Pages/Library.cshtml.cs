using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using MusicCluster.Client.Services;
using MusicCluster.Grains.Interfaces.Library;

namespace MusicCluster.Client.Pages;

public sealed class LibraryModel(LibraryService library) : PageModel
{
    public const int PageSize = 25;

    /// <summary>The largest page number whose offset fits an int.</summary>
    private const int MaxPageNumber = int.MaxValue / PageSize;

    [BindProperty(SupportsGet = true)] public string Sort { get; set; } = "created";
    [BindProperty(SupportsGet = true)] public string Order { get; set; } = "desc";
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;

    public LibraryPage Result { get; private set; } = null!;
    public SeedingProgress Seeding { get; private set; } = null!;
    public string? SeedingMessage => LibraryService.DescribeSeeding(Seeding);
    public int SeedingPercent => Seeding.Total == 0 ? 0 : (int)Math.Round(100.0 * Seeding.Done / Seeding.Total);
    public int PageCount => Math.Max(1, (Result.Total + PageSize - 1) / PageSize);

    public async Task OnGetAsync()
    {
        // Unknown values fall back to the defaults: a hand-edited URL shows the library, not an error.
        if (!Enum.TryParse(Sort, ignoreCase: true, out LibrarySort sort) || !Enum.IsDefined(sort)) (sort, Sort) = (LibrarySort.Created, "created");
        if (Order is not ("asc" or "desc")) Order = "desc";
        if (Q is { Length: > 200 }) Q = Q[..200];
        // A page past the end (a hand-edited or stale URL, however large) shows the last page: the offset is
        // computed from a page number that is first clamped to one the library can have.
        PageNumber = Math.Clamp(PageNumber, 1, MaxPageNumber);
        Result = await library.ListAsync(new LibraryQuery(sort, Order == "desc", (PageNumber - 1) * PageSize, PageSize, Q));
        if (PageNumber > PageCount)
        {
            PageNumber = PageCount;
            Result = await library.ListAsync(new LibraryQuery(sort, Order == "desc", (PageNumber - 1) * PageSize, PageSize, Q));
        }
        Seeding = await library.GetSeedingAsync();
    }

    public Dictionary<string, string?> RouteFor(int? page = null, string? sort = null) => new()
    {
        ["sort"] = sort ?? Sort,
        ["order"] = sort is not null && sort != Sort ? "desc" : Order,
        ["q"] = Q,
        ["p"] = (page ?? PageNumber).ToString(),
    };
}
