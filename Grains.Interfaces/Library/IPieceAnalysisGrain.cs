namespace MusicCluster.Grains.Interfaces.Library;

/// <summary>
/// What the piece page shows beyond the piece itself: notes with bar scores for the piano roll, objective metrics
/// against the real data, similarity to real pieces. Stateless worker (key 0): computed on the calling silo.
/// Each answer is null when there is no piece with that id.
/// </summary>
public interface IPieceAnalysisGrain : IGrainWithIntegerKey
{
    Task<PieceNotes?> GetNotesAsync(string pieceId);

    Task<PieceMetrics?> GetMetricsAsync(string pieceId);

    Task<PieceSimilarity?> GetSimilarityAsync(string pieceId);
}
