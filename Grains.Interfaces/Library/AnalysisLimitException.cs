namespace MusicCluster.Grains.Interfaces.Library;

/// <summary>
/// An analysis of a stored piece (its notes for the piano roll, its metrics, its similarity to real pieces) that a
/// configured limit stopped: it ran past its time limit (<see cref="RenderLimit.TimedOut"/>; nothing of it was kept), or
/// the silo already ran as many renders and analyses as it may at once (<see cref="RenderLimit.Busy"/>). The API answers
/// 503 with a problem detail naming the setting; the piece itself is fine.
/// </summary>
[GenerateSerializer]
public sealed class AnalysisLimitException : Exception
{
    public AnalysisLimitException()
    {
    }

    public AnalysisLimitException(string pieceId, string analysis, RenderLimit limit, string setting, string message) : base(message)
    {
        PieceId = pieceId;
        Analysis = analysis;
        Limit = limit;
        Setting = setting;
    }

    [Id(0)] public string PieceId { get; init; } = "";

    /// <summary>Which analysis: notes, metrics or similarity (the API's path segment).</summary>
    [Id(1)] public string Analysis { get; init; } = "";

    [Id(2)] public RenderLimit Limit { get; init; }

    /// <summary>The configuration key of the limit, e.g. MusicCluster:Limits:AnalysisSeconds.</summary>
    [Id(3)] public string Setting { get; init; } = "";
}
