using MusicCluster.Music.Models;

namespace MusicCluster.Music.Tokens;

/// <summary>
/// Keeps sampled JSB grid sequences decodable and singable: after the start token one token per voice (S, A, T, B per
/// 16th-note step), complete once <c>barsToAdd</c> 4/4 bars (16 steps of 4 voices each) follow the primer. A primer
/// that does not end on a whole step is continued to one first. Sampled cells obey <see cref="ChoraleRules"/>: each
/// voice a pitch inside its range (no silence), and by default the voice-leading rules of four-part writing. The
/// primer itself is taken as it is.
/// </summary>
public sealed class JsbGridConstraint : ITokenConstraint
{
    public const int StepsPerBar = 16;
    private readonly int barsToAdd;
    private readonly ChoraleRules rules;
    private int? targetCells;

    public JsbGridConstraint(int barsToAdd, ChoraleRules? rules = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(barsToAdd, 1);
        this.barsToAdd = barsToAdd;
        this.rules = rules ?? ChoraleRules.Default;
    }

    public void FillAllowed(ReadOnlySpan<int> tokens, Span<bool> allowed)
    {
        int begin = tokens.IndexOf(JsbGridTokenizer.BeginId);
        if (begin < 0)
        {
            allowed[JsbGridTokenizer.BeginId] = true;
            return;
        }
        var cells = tokens[(begin + 1)..];
        targetCells ??= (cells.Length + ChoraleGrid.Voices - 1) / ChoraleGrid.Voices * ChoraleGrid.Voices + barsToAdd * StepsPerBar * ChoraleGrid.Voices;
        rules.FillAllowed(cells, allowed);
    }

    public bool IsComplete(ReadOnlySpan<int> tokens) => targetCells is int target && Cells(tokens) >= target;

    /// <summary>Grid tokens after the start token; -1 before it.</summary>
    private static int Cells(ReadOnlySpan<int> tokens)
    {
        int begin = tokens.IndexOf(JsbGridTokenizer.BeginId);
        return begin < 0 ? -1 : tokens.Length - begin - 1;
    }
}
