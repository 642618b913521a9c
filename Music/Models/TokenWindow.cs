namespace MusicCluster.Music.Models;

/// <summary>A range of token positions [Start, End) of a sequence, e.g. the tokens of one bar or of a sliding window of bars.</summary>
public readonly record struct TokenWindow(int Start, int End)
{
    public int Length => End - Start;

    /// <summary>Throws naming the window when it is empty or does not lie inside a sequence of <paramref name="sequenceLength"/> positions.</summary>
    internal static void CheckAll(IReadOnlyList<TokenWindow> windows, int sequenceLength, int maxLength)
    {
        for (int i = 0; i < windows.Count; i++)
        {
            var window = windows[i];
            if (window.Start < 0 || window.End > sequenceLength || window.Start >= window.End)
                throw new ArgumentException($"window {i} [{window.Start}, {window.End}) is empty or outside the sequence of {sequenceLength} positions", nameof(windows));
            if (window.Length > maxLength)
                throw new ArgumentException($"window {i} [{window.Start}, {window.End}) has {window.Length} positions, more than the critic's context length {maxLength}",
                    nameof(windows));
        }
    }
}
