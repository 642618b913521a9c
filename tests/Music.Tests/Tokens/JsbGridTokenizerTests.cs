using MusicCluster.Music.Pieces;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Tests.Tokens;

public class JsbGridTokenizerTests
{
    private static ChoraleGrid RandomGrid(Random random)
    {
        var steps = new List<int[]>();
        int[] current = [72, 67, 60, 48];
        for (int step = random.Next(1, 200); step > 0; step--)
        {
            // Voices mostly hold, sometimes move or fall silent, like chorales.
            current = current.Select(p => random.Next(10) switch { 0 => -1, 1 or 2 => random.Next(36, 82), _ => p == -1 ? random.Next(36, 82) : p }).ToArray();
            steps.Add(current);
        }
        return new ChoraleGrid(steps);
    }

    /// <summary>A grid whose notes last 1-16 steps, lengths the event tokens hold exactly.</summary>
    private static ChoraleGrid RandomChorale(Random random)
    {
        int steps = random.Next(16, 200);
        var voices = new int[ChoraleGrid.Voices][];
        for (int voice = 0; voice < ChoraleGrid.Voices; voice++)
        {
            var cells = new List<int>();
            int previous = int.MinValue;
            while (cells.Count < steps)
            {
                int pitch;
                do pitch = random.Next(8) == 0 ? -1 : random.Next(36, 82); while (pitch == previous);
                cells.AddRange(Enumerable.Repeat(pitch, random.Next(1, 17)));
                previous = pitch;
            }
            voices[voice] = cells.Take(steps).ToArray();
        }
        return new ChoraleGrid(Enumerable.Range(0, steps).Select(step => (IReadOnlyList<int>)voices.Select(v => v[step]).ToArray()));
    }

    [Fact]
    public void Tokens_are_the_voices_in_raster_order()
    {
        var grid = new ChoraleGrid([[72, 67, 64, 48], [74, -1, 65, 50]]);
        var tokenizer = new JsbGridTokenizer();
        string[] names = tokenizer.EncodeGrid(grid).Select(tokenizer.Vocabulary.TokenOf).ToArray();
        Assert.Equal(["Pitch_72", "Pitch_67", "Pitch_64", "Pitch_48", "Pitch_74", "Silent", "Pitch_65", "Pitch_50"], names);
    }

    [Fact]
    public void Grid_tokens_round_trip()
    {
        var tokenizer = new JsbGridTokenizer();
        for (int seed = 0; seed < 300; seed++)
        {
            var grid = RandomGrid(new Random(seed));
            int[] ids = tokenizer.EncodeGrid(grid);
            Assert.Equal(grid.Steps * 4, ids.Length);
            Assert.Equal(grid, tokenizer.DecodeGrid(ids));
        }
    }

    [Fact]
    public void Grid_to_piece_and_back_is_lossless_and_merges_held_notes()
    {
        for (int seed = 0; seed < 300; seed++)
        {
            var grid = RandomGrid(new Random(seed));
            var piece = grid.ToPiece();
            Assert.Equal(grid, ChoraleGrid.FromPiece(piece, steps: grid.Steps));
            var tokenizer = new JsbGridTokenizer();
            // Through the ITokenizer face the grid ends with the last note, so compare pieces, which hold no trailing silence.
            PieceAssert.Equal(piece, tokenizer.Decode(tokenizer.Encode(piece)), $"seed {seed}");
        }

        var held = new ChoraleGrid([[60, 55, 52, 48], [60, 55, 52, 48], [62, 55, -1, 48]]).ToPiece();
        Assert.Equal([new Note(60, 0, 240, 80, 0, 0), new Note(55, 0, 360, 80, 1, 1), new Note(52, 0, 240, 80, 2, 2),
            new Note(48, 0, 360, 80, 3, 3), new Note(62, 240, 120, 80, 0, 0)], held.Notes);
        Assert.Equal(["Soprano", "Alto", "Tenor", "Bass"], held.Tracks.Select(t => t.Name));
    }

    [Fact]
    public void Event_tokens_hold_a_chorale_exactly()
    {
        var eventTokenizer = new EventTokenizer();
        for (int seed = 0; seed < 100; seed++)
        {
            var grid = RandomChorale(new Random(seed));
            var decoded = eventTokenizer.Decode(eventTokenizer.Encode(grid.ToPiece()));
            Assert.Equal(ChoraleGrid.FromPiece(grid.ToPiece()), ChoraleGrid.FromPiece(decoded));
        }
    }

    [Fact]
    public void Bad_grid_sequences_name_the_token()
    {
        var tokenizer = new JsbGridTokenizer();
        var error = Assert.Throws<TokenDecodeException>(() => tokenizer.DecodeGrid([3, 4, 5, 6, 3, JsbGridTokenizer.BeginId, 5, 6]));
        Assert.Equal(5, error.Index);
        Assert.Throws<TokenDecodeException>(() => tokenizer.DecodeGrid([3, 4, 5, 999]));
        var cut = Assert.Throws<TokenDecodeException>(() => tokenizer.DecodeGrid([3, 4, 5, 6, 3]));
        Assert.Contains("whole steps", cut.Message);
    }

    [Fact]
    public void Grids_refuse_what_a_chorale_cannot_hold()
    {
        Assert.Throws<ArgumentException>(() => new ChoraleGrid([[60, 55, 52]]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChoraleGrid([[60, 55, 52, 128]]));
        var twoNotes = new Piece { Notes = [new Note(60, 0, 480, 80, 0), new Note(64, 240, 480, 80, 0)] };
        var error = Assert.Throws<ArgumentException>(() => ChoraleGrid.FromPiece(twoNotes));
        Assert.Contains("Soprano has two notes", error.Message);
        Assert.Throws<ArgumentException>(() => ChoraleGrid.FromPiece(new Piece { Notes = [new Note(60, 0, 480, 80, 4)] }));
    }

    [Fact]
    public void Transposition_keeps_silence_and_refuses_to_leave_the_pitch_range()
    {
        var grid = new ChoraleGrid([[120, -1, 60, 40]]);
        Assert.Equal(new ChoraleGrid([[122, -1, 62, 42]]), grid.Transpose(2));
        Assert.Null(grid.Transpose(8));
    }
}
