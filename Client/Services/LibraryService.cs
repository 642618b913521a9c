using MusicCluster.Grains.Interfaces.Library;

namespace MusicCluster.Client.Services;

/// <summary>The library and its pieces, for the API and the pages.</summary>
public sealed class LibraryService(IClusterClient cluster)
{
    public Task<LibraryPage> ListAsync(LibraryQuery query) => cluster.GetGrain<ILibraryGrain>(0).ListAsync(query);

    public Task<PieceDetails?> GetAsync(string id) => cluster.GetGrain<IPieceGrain>(id).GetAsync();

    public Task<PieceDetails> CreateAsync(string id, NewPiece piece) => cluster.GetGrain<IPieceGrain>(id).CreateAsync(piece);

    public Task<RatingSummary> RateAsync(string id, int stars) => cluster.GetGrain<IPieceGrain>(id).RateAsync(stars);

    public Task<byte[]> GetFileAsync(string id, PieceFormat format) => cluster.GetGrain<IPieceGrain>(id).GetFileAsync(format);
}
