namespace MusicCluster.Grains.Interfaces.Library;

/// <summary>Which bound a render of a piece ran into.</summary>
public enum RenderLimit
{
    /// <summary>The piece lasts longer than the longest audio rendered; refused before any rendering.</summary>
    TooLong,

    /// <summary>The render ran past its time limit and was stopped; nothing of it was kept.</summary>
    TimedOut,

    /// <summary>The silo already runs as many renders and analyses as it may at once; refused before any work, ask again shortly.</summary>
    Busy,
}

/// <summary>
/// A render of a stored piece (WAV, MusicXML, jianpu) that a configured limit stopped: the piece is too long for audio,
/// or the render took longer than it may, or the silo was busy with as many renders as it runs at once. The API answers with a problem detail naming the setting; the piece itself
/// and its MIDI file are fine.
/// </summary>
[GenerateSerializer]
public sealed class RenderLimitException : Exception
{
    public RenderLimitException()
    {
    }

    public RenderLimitException(string pieceId, PieceFormat format, RenderLimit limit, string setting, string message) : base(message)
    {
        PieceId = pieceId;
        Format = format;
        Limit = limit;
        Setting = setting;
    }

    [Id(0)] public string PieceId { get; init; } = "";

    [Id(1)] public PieceFormat Format { get; init; }

    [Id(2)] public RenderLimit Limit { get; init; }

    /// <summary>The configuration key of the limit, e.g. MusicCluster:Limits:MaxWavSeconds.</summary>
    [Id(3)] public string Setting { get; init; } = "";
}
