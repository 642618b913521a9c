namespace MusicCluster.Grains.Interfaces.Library;

/// <summary>
/// What the piece page shows beyond the piece itself: notes with bar scores for the piano roll, objective metrics
/// against the real data, similarity to real pieces. Stateless worker (key 0): computed on the calling silo.
/// Each answer is null when there is no piece with that id. Answers are computed off the grain scheduler, within
/// MusicCluster:Limits:AnalysisSeconds (past it: <see cref="AnalysisLimitException"/>, nothing kept), counted against
/// the silo's MusicCluster:Limits:ConcurrentRenders, and kept in memory so the next request for the same piece is
/// answered without computing again. The response timeout covers the longest analysis (at most 120 s).
/// </summary>
public interface IPieceAnalysisGrain : IGrainWithIntegerKey
{
    [ResponseTimeout("00:03:00")]
    Task<PieceNotes?> GetNotesAsync(string pieceId);

    [ResponseTimeout("00:03:00")]
    Task<PieceMetrics?> GetMetricsAsync(string pieceId);

    [ResponseTimeout("00:03:00")]
    Task<PieceSimilarity?> GetSimilarityAsync(string pieceId);
}
