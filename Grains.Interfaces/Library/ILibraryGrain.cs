namespace MusicCluster.Grains.Interfaces.Library;

/// <summary>The index of all pieces (key 0): sorting by score, creation or rating, paging and text search.</summary>
public interface ILibraryGrain : IGrainWithIntegerKey
{
    Task UpsertAsync(PieceSummary summary);

    Task<LibraryPage> ListAsync(LibraryQuery query);

    Task<int> CountAsync();
}
