using MusicCluster.Grains.Interfaces.Library;

namespace MusicCluster.Client.Services;

/// <summary>The library and its pieces, for the API and the pages.</summary>
public sealed class LibraryService(IClusterClient cluster)
{
    public Task<LibraryPage> ListAsync(LibraryQuery query) => cluster.GetGrain<ILibraryGrain>(0).ListAsync(query);

    public Task<PieceDetails?> GetAsync(string id) => cluster.GetGrain<IPieceGrain>(id).GetAsync();

    public Task<PieceDetails> CreateAsync(string id, NewPiece piece) => cluster.GetGrain<IPieceGrain>(id).CreateAsync(piece);

    /// <summary>False when there is no such piece.</summary>
    public Task<bool> DeleteAsync(string id) => cluster.GetGrain<IPieceGrain>(id).DeleteAsync();

    public Task<RatingSummary> RateAsync(string id, int stars) => cluster.GetGrain<IPieceGrain>(id).RateAsync(stars);

    public Task<byte[]> GetFileAsync(string id, PieceFormat format) => cluster.GetGrain<IPieceGrain>(id).GetFileAsync(format);

    public Task<SeedingProgress> GetSeedingAsync() => cluster.GetGrain<ILibrarySeederGrain>(0).GetProgressAsync();

    public Task<PieceNotes?> GetNotesAsync(string id) => cluster.GetGrain<IPieceAnalysisGrain>(0).GetNotesAsync(id);

    public Task<PieceMetrics?> GetMetricsAsync(string id) => cluster.GetGrain<IPieceAnalysisGrain>(0).GetMetricsAsync(id);

    public Task<PieceSimilarity?> GetSimilarityAsync(string id) => cluster.GetGrain<IPieceAnalysisGrain>(0).GetSimilarityAsync(id);

    /// <summary>What the library page says about seeding, or null when there is nothing to say (off, or done before).</summary>
    public static string? DescribeSeeding(SeedingProgress progress) => progress.Status switch
    {
        SeedingStatus.Running when progress.Total > 0 => $"Generating the starter library: {progress.Done} of {progress.Total}",
        SeedingStatus.Running => "Preparing the starter library…",
        SeedingStatus.Failed => $"Generating the starter library stopped: {progress.Error}. It continues at the next start.",
        _ => null,
    };
}
