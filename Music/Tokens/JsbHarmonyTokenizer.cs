using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Tokens;

/// <summary>
/// The JSB grid with the soprano sung ahead: for harmonising a melody with a causal model. The cells of
/// <see cref="JsbGridTokenizer"/> (same tokens, same ids), in a different order: first the soprano of the first
/// <see cref="SopranoLead"/> steps, then per 16th step t the block (soprano of step t + lead, alto, tenor, bass of
/// step t), the soprano past the piece's end Silent. So when the model writes the lower voices of step t it has read
/// the melody up to a bar ahead (the cadence coming, not only the note above it), and a harmonisation is a
/// sequence whose soprano tokens are given and whose other tokens are sampled.
/// The lead is one bar: a window of the sampler keeps at least half the context (32 steps) after it slides, and that
/// half must still hold the soprano of the step being written.
/// </summary>
public sealed class JsbHarmonyTokenizer : IGridTokenizer
{
    public const string Kind = "jsb-harmony";
    public const int FormatVersion = 1;
    public const int SopranoLead = 16;

    private static readonly JsbGridTokenizer Cells = new();

    public Vocabulary Vocabulary { get; } = new(Kind, FormatVersion,
        new Dictionary<string, int> { ["stepsPerQuarter"] = 4, ["voices"] = ChoraleGrid.Voices, ["sopranoLead"] = SopranoLead },
        Cells.Vocabulary.Tokens);

    /// <summary>Tokens before the first block: the soprano of the first <see cref="SopranoLead"/> steps.</summary>
    public const int LeadTokens = SopranoLead;

    /// <summary>Index of the token that holds <paramref name="voice"/> of <paramref name="step"/> in a sequence's cells.</summary>
    public static int IndexOf(int step, int voice) => voice == 0
        ? step < SopranoLead ? step : SopranoLead + (step - SopranoLead) * ChoraleGrid.Voices
        : SopranoLead + step * ChoraleGrid.Voices + voice;

    /// <summary>What cell index <paramref name="index"/> of a sequence holds: the step and voice.</summary>
    public static (int Step, int Voice) CellAt(int index)
    {
        if (index < SopranoLead) return (index, 0);
        int block = (index - SopranoLead) / ChoraleGrid.Voices, voice = (index - SopranoLead) % ChoraleGrid.Voices;
        return voice == 0 ? (block + SopranoLead, 0) : (block, voice);
    }

    (int Step, int Voice) IGridTokenizer.CellAt(int index) => CellAt(index);

    int IGridTokenizer.IndexOf(int step, int voice) => IndexOf(step, voice);

    public int CellsThrough(int steps) => SopranoLead + steps * ChoraleGrid.Voices;

    public int[] EncodeGrid(ChoraleGrid grid)
    {
        var ids = new int[SopranoLead + grid.Steps * ChoraleGrid.Voices];
        for (int index = 0; index < ids.Length; index++)
        {
            var (step, voice) = CellAt(index);
            ids[index] = JsbGridTokenizer.IdOfCell(step < grid.Steps ? grid[step, voice] : ChoraleGrid.Silent);
        }
        return ids;
    }

    public ChoraleGrid DecodeGrid(ReadOnlySpan<int> ids)
    {
        if (ids.Length < SopranoLead || (ids.Length - SopranoLead) % ChoraleGrid.Voices != 0)
            throw new TokenDecodeException(-1, -1, null,
                $"{ids.Length} tokens are not the {SopranoLead} soprano tokens of the lead and whole steps of {ChoraleGrid.Voices} voices");
        return Decode(ids, (ids.Length - SopranoLead) / ChoraleGrid.Voices);
    }

    public ChoraleGrid DecodeWholeSteps(ReadOnlySpan<int> ids) =>
        Decode(ids, Math.Max(0, ids.Length - SopranoLead) / ChoraleGrid.Voices);

    private ChoraleGrid Decode(ReadOnlySpan<int> ids, int steps)
    {
        var cells = new int[steps * ChoraleGrid.Voices];
        for (int step = 0; step < steps; step++)
            for (int voice = 0; voice < ChoraleGrid.Voices; voice++)
            {
                int index = IndexOf(step, voice), id = ids[index];
                if (!Vocabulary.Contains(id))
                    throw new TokenDecodeException(index, id, null, $"id is not in vocabulary {Vocabulary.Version} (ids 0..{Vocabulary.Count - 1})");
                if (id < JsbGridTokenizer.SilentId)
                    throw new TokenDecodeException(index, id, Vocabulary.Tokens[id], "a harmony sequence holds only Silent and Pitch tokens");
                cells[step * ChoraleGrid.Voices + voice] = id == JsbGridTokenizer.SilentId ? ChoraleGrid.Silent : id - JsbGridTokenizer.FirstPitchId;
            }
        return ChoraleGrid.FromRaster(cells);
    }

    /// <summary>A four-voice piece as harmony tokens; any other piece is read into four voices as the grid tokenizer reads it.</summary>
    public int[] Encode(Piece piece) => EncodeGrid(Cells.DecodeGrid(Cells.Encode(piece)));

    public Piece Decode(ReadOnlySpan<int> ids) => DecodeGrid(ids).ToPiece();
}
