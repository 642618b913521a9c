namespace MusicCluster.Music.Tokens;

/// <summary>
/// A tokenizer of four-voice chorale grids (<see cref="ChoraleGrid"/>): the grid is what it writes and reads; its
/// sequences hold grid cells only (Silent or a pitch), the start token coming before them.
/// </summary>
public interface IGridTokenizer : ITokenizer
{
    int[] EncodeGrid(ChoraleGrid grid);

    /// <summary>The grid of a sequence of whole steps; throws <see cref="TokenDecodeException"/> for anything else.</summary>
    ChoraleGrid DecodeGrid(ReadOnlySpan<int> ids);

    /// <summary>The grid of a sampled sequence's cells, the last unfinished step dropped.</summary>
    ChoraleGrid DecodeWholeSteps(ReadOnlySpan<int> ids);

    /// <summary>Which cell (step, voice 0-3) the token at <paramref name="index"/> of a sequence's cells holds.</summary>
    (int Step, int Voice) CellAt(int index);

    /// <summary>Where a sequence's cells hold <paramref name="voice"/> of <paramref name="step"/>.</summary>
    int IndexOf(int step, int voice);

    /// <summary>Cells of a sequence that holds every cell of the first <paramref name="steps"/> steps, and no later step's lower voices.</summary>
    int CellsThrough(int steps);
}
