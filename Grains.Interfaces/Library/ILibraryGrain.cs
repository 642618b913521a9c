namespace MusicCluster.Grains.Interfaces.Library;

/// <summary>The index of all pieces (key 0): sorting by score, creation or rating, paging and text search.</summary>
public interface ILibraryGrain : IGrainWithIntegerKey
{
    Task UpsertAsync(PieceSummary summary);

    /// <summary>Drops a piece from the index (nothing happens when it is not listed).</summary>
    Task RemoveAsync(string pieceId);

    Task<LibraryPage> ListAsync(LibraryQuery query);

    Task<int> CountAsync();
}
