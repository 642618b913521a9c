using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Tokens;

/// <summary>
/// The JSB Chorales serialization of the Music Transformer paper (Huang et al. 2018): the four voices S, A, T, B of
/// each 16th-note step in raster order, one token per voice per step, a token for a silent voice and one per MIDI
/// pitch. <see cref="EncodeGrid"/> returns exactly those 4 x steps tokens (NLL is averaged over them); the vocabulary
/// also holds &lt;pad&gt; and &lt;bos&gt;, which a model uses for batching and as its first input but never predicts
/// in an NLL comparable with the paper.
/// </summary>
public sealed class JsbGridTokenizer : IGridTokenizer
{
    public const string Kind = "jsb-grid";
    public const int FormatVersion = 1;
    public const int PadId = 0, BeginId = 1, SilentId = 2, FirstPitchId = 3;

    public Vocabulary Vocabulary { get; } = new(Kind, FormatVersion, new Dictionary<string, int> { ["stepsPerQuarter"] = 4, ["voices"] = ChoraleGrid.Voices },
        new[] { "<pad>", "<bos>", "Silent" }.Concat(Enumerable.Range(0, 128).Select(p => $"Pitch_{p}")).ToArray());

    public static int IdOfCell(int cell) => cell == ChoraleGrid.Silent ? SilentId : FirstPitchId + cell;

    public int[] EncodeGrid(ChoraleGrid grid)
    {
        var raster = grid.Raster;
        var ids = new int[raster.Length];
        for (int i = 0; i < ids.Length; i++) ids[i] = IdOfCell(raster[i]);
        return ids;
    }

    public ChoraleGrid DecodeGrid(ReadOnlySpan<int> ids)
    {
        var cells = new int[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            int id = ids[i];
            if (!Vocabulary.Contains(id))
                throw new TokenDecodeException(i, id, null, $"id is not in vocabulary {Vocabulary.Version} (ids 0..{Vocabulary.Count - 1})");
            if (id < SilentId)
                throw new TokenDecodeException(i, id, Vocabulary.Tokens[id], "a grid sequence holds only Silent and Pitch tokens");
            cells[i] = id == SilentId ? ChoraleGrid.Silent : id - FirstPitchId;
        }
        if (ids.Length % ChoraleGrid.Voices != 0)
            throw new TokenDecodeException(-1, -1, null, $"{ids.Length} tokens are not whole steps of {ChoraleGrid.Voices} voices (the last step is cut)");
        return ChoraleGrid.FromRaster(cells);
    }

    public (int Step, int Voice) CellAt(int index) => (index / ChoraleGrid.Voices, index % ChoraleGrid.Voices);

    public int IndexOf(int step, int voice) => step * ChoraleGrid.Voices + voice;

    public int CellsThrough(int steps) => steps * ChoraleGrid.Voices;

    public ChoraleGrid DecodeWholeSteps(ReadOnlySpan<int> ids) => DecodeGrid(ids[..(ids.Length - ids.Length % ChoraleGrid.Voices)]);

    /// <summary>Most 16th steps <see cref="Encode"/> reads (6,250 bars of 4/4): a longer piece is refused before any work.</summary>
    public const int MaxEncodedSteps = 100_000;

    /// <summary>
    /// Any piece as grid tokens. A four-voice piece (notes on tracks 0-3, one at a time each, as this tokenizer decodes
    /// them) keeps its tracks as the voices; any other is read into four voices by <see cref="ChoraleVoicing"/> (parts
    /// by pitch, or chords voiced step by step), so an uploaded MIDI file can be scored and continued. A piece with
    /// more than four notes at once is refused naming the bar and beat.
    /// </summary>
    public int[] Encode(Piece piece)
    {
        ArgumentNullException.ThrowIfNull(piece);
        if (piece.Notes.All(n => n.Track is >= 0 and < ChoraleGrid.Voices) && piece.Notes.Count > 0)
        {
            try
            {
                var grid = ChoraleGrid.FromPiece(piece);
                if (grid.Steps <= MaxEncodedSteps) return EncodeGrid(grid);
            }
            catch (ArgumentException)
            {
                // Not one note at a time per track on the grid: voice it like any other piece.
            }
        }
        return EncodeGrid(ChoraleVoicing.FromPiece(piece, MaxEncodedSteps));
    }

    public Piece Decode(ReadOnlySpan<int> ids) => DecodeGrid(ids).ToPiece();
}
