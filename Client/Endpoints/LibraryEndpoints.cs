using MusicCluster.Client.Services;
using MusicCluster.Grains.Interfaces.Library;

namespace MusicCluster.Client.Endpoints;

/// <summary>/api/library: the state of the library as a whole (the starter library being generated).</summary>
internal static class LibraryEndpoints
{
    /// <summary>Seeding progress: status NotStarted|Disabled|Running|Completed|Failed, Done of Total pieces, and the sentence the page shows.</summary>
    public sealed record SeedingView(string Status, int Done, int Total, int AddedThisRun, string? Error, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Message);

    public static IEndpointRouteBuilder MapLibraryEndpoints(this IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder group = endpoints.MapGroup("/api/library").WithTags("Library");
        group.MapGet("/seeding", GetSeedingAsync).WithName("GetLibrarySeeding")
            .WithSummary("Progress of the starter library generated at first start (MusicCluster:Library:SeedCount pieces)");
        return endpoints;
    }

    private static async Task<SeedingView> GetSeedingAsync(LibraryService library) => ToView(await library.GetSeedingAsync());

    /// <summary>What GET /api/library/seeding and the status hub's Seeding stream send.</summary>
    public static SeedingView ToView(SeedingProgress p)
    {
        return new SeedingView(p.Status.ToString(), p.Done, p.Total, p.AddedThisRun, p.Error, p.StartedAt, p.FinishedAt, LibraryService.DescribeSeeding(p));
    }
}
