using Microsoft.Extensions.Logging;
using MusicCluster.Grains.Interfaces;
using MusicCluster.Grains.Interfaces.Library;
using MusicCluster.Music.Storage;

namespace MusicCluster.Grains.Library;

[GenerateSerializer]
public sealed record LibraryState
{
    [Id(0)] public Dictionary<string, PieceSummary> Pieces { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>
/// The library index, held in memory and sorted per query (10,000 pieces sort in milliseconds). Additions and changes
/// are batched: flushed to grain storage at most once a second and when the grain deactivates, because rewriting a
/// 10,000-row index on every rating would dominate; removals are written at once. Pieces themselves are stored by
/// their own grains, so after a crash the index can lack pieces added in its last second: on activation it is
/// reconciled with the stored pieces (every <c>pieces/{id}.mid</c> whose piece exists and is not listed is listed).
/// </summary>
public sealed class LibraryGrain(
    [PersistentState("library", StorageNames.GrainState)] IPersistentState<LibraryState> state,
    IBlobStore blobs,
    ILogger<LibraryGrain> logger) : Grain, ILibraryGrain
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);
    private const string PiecePrefix = "pieces/", MidiSuffix = ".mid";
    private bool _dirty;
    private IGrainTimer? _flush;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _flush = this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(FlushInterval, FlushInterval) { Interleave = false });
        await ReconcileAsync(cancellationToken);
    }

    /// <summary>Lists the stored pieces the index lacks (a crash before its last flush); writes the index if any were.</summary>
    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var unlisted = new List<string>();
        await foreach (BlobInfo blob in blobs.ListAsync(PiecePrefix, cancellationToken))
        {
            string name = blob.Name[PiecePrefix.Length..];
            if (!name.EndsWith(MidiSuffix, StringComparison.Ordinal)) continue;
            string id = name[..^MidiSuffix.Length];
            if (PieceIds.IsValid(id) && !state.State.Pieces.ContainsKey(id)) unlisted.Add(id);
        }
        if (unlisted.Count == 0) return;
        PieceSummary?[] found = await Task.WhenAll(unlisted.Select(id => GrainFactory.GetGrain<IPieceGrain>(id).GetSummaryAsync()));
        int added = 0;
        foreach (PieceSummary summary in found.OfType<PieceSummary>())
        {
            state.State.Pieces[summary.Id] = summary;
            added++;
        }
        if (added == 0) return;
        logger.LogWarning("Library index reconciled with the stored pieces: {Added} stored piece(s) were missing from it (a crash before its last write)", added);
        _dirty = true;
        await FlushAsync(cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _flush?.Dispose();
        await FlushAsync(cancellationToken);
    }

    public Task UpsertAsync(PieceSummary summary)
    {
        state.State.Pieces[summary.Id] = summary;
        _dirty = true;
        return Task.CompletedTask;
    }

    public async Task RemoveAsync(string pieceId)
    {
        if (!state.State.Pieces.Remove(pieceId)) return;
        // Written at once, before the piece's state and files go: reconciliation only adds pieces, so an unwritten
        // removal could leave the index listing a piece that no longer exists.
        _dirty = true;
        await FlushAsync(CancellationToken.None);
    }

    public Task<int> CountAsync() => Task.FromResult(state.State.Pieces.Count);

    public Task<LibraryPage> ListAsync(LibraryQuery query)
    {
        if (query.Skip < 0) throw new ArgumentOutOfRangeException(nameof(query), query.Skip, "skip: must be 0 or more");
        if (query.Take is < 1 or > LibraryQuery.MaxTake) throw new ArgumentOutOfRangeException(nameof(query), query.Take, $"take: must be 1 to {LibraryQuery.MaxTake}");

        string[] terms = (query.Text ?? "").ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        IEnumerable<PieceSummary> matching = state.State.Pieces.Values
            .Where(p => terms.All(term => p.SearchText.Contains(term, StringComparison.Ordinal)));
        List<PieceSummary> sorted = Sort(matching, query.Sort, query.Descending).ToList();
        return Task.FromResult(new LibraryPage(sorted.Skip(query.Skip).Take(query.Take).ToList(), sorted.Count, query.Skip, query.Take));
    }

    private static IEnumerable<PieceSummary> Sort(IEnumerable<PieceSummary> pieces, LibrarySort sort, bool descending)
    {
        // Unscored pieces go last whatever the direction; ties fall back to newest first, then id, so pages are stable.
        IOrderedEnumerable<PieceSummary> ordered = sort switch
        {
            LibrarySort.Score => pieces.OrderBy(p => p.Score is null).ThenBy(p => p.Score ?? 0, descending),
            LibrarySort.Rating => pieces.OrderBy(p => p.Rating.Count == 0).ThenBy(p => p.Rating.Mean, descending).ThenBy(p => p.Rating.Count, descending),
            _ => pieces.OrderBy(p => p.CreatedAt, descending),
        };
        return ordered.ThenByDescending(p => p.CreatedAt).ThenBy(p => p.Id, StringComparer.Ordinal);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (!_dirty) return;
        _dirty = false;
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch
        {
            _dirty = true; // the next tick tries again
            throw;
        }
    }
}

internal static class OrderingExtensions
{
    public static IOrderedEnumerable<T> OrderBy<T, TKey>(this IEnumerable<T> source, Func<T, TKey> key, bool descending) =>
        descending ? source.OrderByDescending(key) : source.OrderBy(key);

    public static IOrderedEnumerable<T> ThenBy<T, TKey>(this IOrderedEnumerable<T> source, Func<T, TKey> key, bool descending) =>
        descending ? source.ThenByDescending(key) : source.ThenBy(key);
}
