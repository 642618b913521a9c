using MusicCluster.Music.Models;

namespace MusicCluster.Music.Tokens;

/// <summary>
/// Keeps sampled JSB grid sequences decodable: after the start token only <c>Silent</c> or pitch tokens (one per
/// voice, S, A, T, B per 16th-note step), and complete once <c>barsToAdd</c> 4/4 bars (16 steps of 4 voices each)
/// follow the primer. A primer that does not end on a whole step is continued to one first.
/// </summary>
public sealed class JsbGridConstraint : ITokenConstraint
{
    public const int StepsPerBar = 16;
    private readonly int barsToAdd;
    private int? targetCells;

    public JsbGridConstraint(int barsToAdd)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(barsToAdd, 1);
        this.barsToAdd = barsToAdd;
    }

    public void FillAllowed(ReadOnlySpan<int> tokens, Span<bool> allowed)
    {
        int cells = Cells(tokens);
        if (cells < 0)
        {
            allowed[JsbGridTokenizer.BeginId] = true;
            return;
        }
        targetCells ??= (cells + ChoraleGrid.Voices - 1) / ChoraleGrid.Voices * ChoraleGrid.Voices + barsToAdd * StepsPerBar * ChoraleGrid.Voices;
        allowed[JsbGridTokenizer.SilentId..].Fill(true);
    }

    public bool IsComplete(ReadOnlySpan<int> tokens) => targetCells is int target && Cells(tokens) >= target;

    /// <summary>Grid tokens after the start token; -1 before it.</summary>
    private static int Cells(ReadOnlySpan<int> tokens)
    {
        int begin = tokens.IndexOf(JsbGridTokenizer.BeginId);
        return begin < 0 ? -1 : tokens.Length - begin - 1;
    }
}
