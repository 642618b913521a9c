namespace MusicCluster.Music.Tokens;

/// <summary>
/// A token sequence that does not decode: names the position in the sequence, the token found there and what was
/// expected, so a generator's bad output or a corrupted shard can be traced to one token.
/// </summary>
public sealed class TokenDecodeException : FormatException
{
    public TokenDecodeException(int index, int tokenId, string? token, string problem)
        : base(index < 0
            ? $"Token sequence is invalid at its end: {problem}"
            : $"Token sequence is invalid at index {index} (id {tokenId}{(token is null ? "" : $", '{token}'")}): {problem}")
    {
        Index = index;
        TokenId = tokenId;
        Token = token;
        Problem = problem;
    }

    /// <summary>Index of the offending token in the sequence; -1 when the sequence ended too early.</summary>
    public int Index { get; }

    public int TokenId { get; }

    public string? Token { get; }

    public string Problem { get; }
}
