namespace MusicCluster.Grains.Interfaces.Library;

/// <summary>
/// A stored piece whose files cannot be read as they were written (its MIDI missing, truncated or changed outside the
/// store). The piece stays listed and its details readable; the API answers its files and analyses with a problem
/// detail saying the piece is damaged, and the piece page says so.
/// </summary>
[GenerateSerializer]
public sealed class PieceDamagedException : Exception
{
    public PieceDamagedException()
    {
    }

    public PieceDamagedException(string pieceId, string problem) : base($"Piece '{pieceId}' is damaged: {problem}")
    {
        PieceId = pieceId;
        Problem = problem;
    }

    [Id(0)] public string PieceId { get; init; } = "";

    [Id(1)] public string Problem { get; init; } = "";
}
