namespace MusicCluster.Grains.Interfaces.Library;

/// <summary>One piece (key: piece id): its MIDI in blob storage, metadata, score and ratings.</summary>
public interface IPieceGrain : IGrainWithStringKey
{
    /// <summary>Stores a new piece and lists it in the library. Refuses MIDI that does not parse (ArgumentException naming the byte).</summary>
    Task<PieceDetails> CreateAsync(NewPiece piece);

    /// <summary>The piece, or null when there is none with this id.</summary>
    Task<PieceDetails?> GetAsync();

    /// <summary>
    /// The piece's row for the library index, or null when there is none with this id. Interleaves with the piece's
    /// other calls, so the library can ask while a piece it is waiting for awaits the library.
    /// </summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<PieceSummary?> GetSummaryAsync();

    /// <summary>Adds a rating of 1-5 stars.</summary>
    Task<RatingSummary> RateAsync(int stars);

    /// <summary>Records a (new) score, e.g. after another model is promoted.</summary>
    Task SetScoreAsync(PieceScore score);

    /// <summary>
    /// Removes the piece: from the library index first (written at once, so no listing points at it), then its state,
    /// then its MIDI and rendered files (a crash in between leaves files no piece refers to, never a listed piece
    /// without them). False when there is no piece with this id.
    /// </summary>
    Task<bool> DeleteAsync();

    /// <summary>
    /// The piece in a format; MusicXML, WAV and jianpu are rendered on first request and kept in blob storage.
    /// Throws <see cref="PieceDamagedException"/> when the stored MIDI is missing or no longer what was written, and
    /// <see cref="RenderLimitException"/> when a piece is too long for audio or a render runs past its time limit.
    /// The response timeout covers the longest render (MusicCluster:Limits:RenderSeconds, at most 120 s) and renders
    /// of other formats of the same piece queued before it.
    /// </summary>
    [ResponseTimeout("00:05:00")]
    Task<byte[]> GetFileAsync(PieceFormat format);

    /// <summary>Records that the stored MIDI, read elsewhere (an analysis), turned out unreadable: the details say so from now on.</summary>
    Task ReportDamageAsync(string problem);
}
