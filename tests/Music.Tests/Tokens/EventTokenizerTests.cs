using MusicCluster.Music.Pieces;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Tests.Tokens;

public class EventTokenizerTests
{
    public static TheoryData<int> Grids => [4, 12];

    [Theory]
    [MemberData(nameof(Grids))]
    public void Decode_of_Encode_is_identity_for_pieces_on_the_grid(int stepsPerQuarter)
    {
        var tokenizer = new EventTokenizer(new EventTokenizerSettings(stepsPerQuarter));
        for (int seed = 0; seed < 400; seed++)
        {
            var piece = RandomPieces.OnGrid(new Random(seed), tokenizer);
            int[] ids = tokenizer.Encode(piece);
            PieceAssert.Equal(piece, tokenizer.Decode(ids), $"seed {seed}");
        }
    }

    [Fact]
    public void Every_encoded_piece_decodes_and_quantizing_twice_changes_nothing()
    {
        var tokenizer = new EventTokenizer();
        for (int seed = 0; seed < 400; seed++)
        {
            var piece = RandomPieces.Anywhere(new Random(seed));
            int[] ids = tokenizer.Encode(piece);
            var decoded = tokenizer.Decode(ids);
            Assert.True(ids.AsSpan().SequenceEqual(tokenizer.Encode(decoded)), $"seed {seed}: re-encoding the decoded piece changed the tokens");
            Assert.Equal(piece.Notes.Count, decoded.Notes.Count);
        }
    }

    [Fact]
    public void A_small_piece_gives_the_documented_tokens()
    {
        var piece = new Piece
        {
            Notes = [new Note(60, 0, 480, 80, 0), new Note(64, 480, 240, 100, 0), new Note(43, 1920 + 120, 1920, 64, 1, 9)],
            Tempos = [TempoChange.FromBpm(0, 120)],
            TimeSignatures = [new TimeSignature(0, 3, 4), new TimeSignature(1440, 4, 4)],
            Tracks = [new TrackInfo(0, "piano", 0, 0), new TrackInfo(1, "drums", 0, 9)],
        };
        var tokenizer = new EventTokenizer();
        string[] names = tokenizer.Encode(piece).Select(tokenizer.Vocabulary.TokenOf).ToArray();
        Assert.Equal(
            ["<bos>", "Track_0", "Program_0", "Channel_0", "Track_1", "Program_0", "Channel_9",
             "Bar", "TimeSig_3/4", "Position_0", "Tempo_120", "Track_0", "Pitch_60", "Velocity_79", "Duration_4",
             "Position_4", "Pitch_64", "Velocity_103", "Duration_2",
             "Bar", "TimeSig_4/4", "Position_5", "Track_1", "Pitch_43", "Velocity_63", "Duration_16", "<eos>"],
            names);
    }

    [Fact]
    public void Off_grid_times_are_rounded_to_the_nearest_step_and_signature_changes_move_to_the_next_bar_line()
    {
        var piece = new Piece
        {
            TicksPerQuarter = 96,
            Notes = [new Note(60, 27, 50, 90, 0), new Note(62, 700, 96, 90, 0)],
            TimeSignatures = [new TimeSignature(0, 4, 4), new TimeSignature(200, 3, 4), new TimeSignature(500, 7, 32)],
        };
        var decoded = new EventTokenizer().Quantize(piece);
        Assert.Equal([new Note(60, 120, 240, 87, 0), new Note(62, 3480, 480, 87, 0)], decoded.Notes);
        // 3/4 at step 8 (inside bar 1) starts at bar 2 (tick 1920); 7/32 at step 21 is not supported, reads as 4/4
        // and starts at the next bar line, step 28 (tick 3360).
        Assert.Equal([new TimeSignature(0, 4, 4), new TimeSignature(1920, 3, 4), new TimeSignature(3360, 4, 4)], decoded.TimeSignatures);
    }

    [Fact]
    public void Decoding_an_unknown_id_names_its_index()
    {
        var tokenizer = new EventTokenizer();
        int[] ids = tokenizer.Encode(RandomPieces.OnGrid(new Random(3), tokenizer));
        ids[5] = tokenizer.Vocabulary.Count + 7;
        var error = Assert.Throws<TokenDecodeException>(() => tokenizer.Decode(ids));
        Assert.Equal(5, error.Index);
        Assert.Contains("index 5", error.Message);
        Assert.Contains("not in vocabulary", error.Message);
    }

    public static TheoryData<string, string[], int, string> InvalidSequences => new()
    {
        { "no bar", ["<bos>", "<eos>"], 1, "first Bar" },
        { "first bar without signature", ["<bos>", "Bar", "Position_0"], 2, "time signature in the first bar" },
        { "track declared out of order", ["<bos>", "Track_1"], 1, "Track_0" },
        { "program missing", ["<bos>", "Track_0", "Channel_0"], 2, "Program" },
        { "pitch before position", ["Track_0", "Program_0", "Channel_0", "Bar", "TimeSig_4/4", "Pitch_60"], 5, "position" },
        { "undeclared track", ["Bar", "TimeSig_4/4", "Position_0", "Track_0"], 3, "not declared" },
        { "pitch with no track", ["Bar", "TimeSig_4/4", "Position_0", "Pitch_60"], 3, "Track" },
        { "position beyond the bar", ["Bar", "TimeSig_3/4", "Position_12"], 2, "beyond the bar" },
        { "positions going back", ["Bar", "TimeSig_4/4", "Position_3", "Position_2"], 3, "increase" },
        { "velocity missing", ["Track_0", "Program_0", "Channel_0", "Bar", "TimeSig_4/4", "Position_0", "Track_0", "Pitch_60", "Duration_4"], 8, "Velocity" },
        { "padding inside", ["Bar", "<pad>"], 1, "padding" },
        { "tokens after the end", ["Bar", "TimeSig_4/4", "<eos>", "Bar"], 3, "only padding" },
        { "second bos", ["<bos>", "<bos>"], 1, "track declaration" },
    };

    [Theory]
    [MemberData(nameof(InvalidSequences))]
    public void Invalid_sequences_fail_at_the_offending_token(string because, string[] tokens, int index, string expected)
    {
        var tokenizer = new EventTokenizer();
        var error = Assert.Throws<TokenDecodeException>(() => tokenizer.Decode(tokens.Select(tokenizer.Vocabulary.IdOf).ToArray()));
        Assert.True(index == error.Index, $"{because}: failed at {error.Index}, not {index}: {error.Message}");
        Assert.Contains(expected, error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"index {index}", error.Message);
    }

    [Fact]
    public void A_sequence_cut_inside_a_note_fails_at_its_end()
    {
        var tokenizer = new EventTokenizer();
        string[] tokens = ["Track_0", "Program_0", "Channel_0", "Bar", "TimeSig_4/4", "Position_0", "Track_0", "Pitch_60", "Velocity_79"];
        var error = Assert.Throws<TokenDecodeException>(() => tokenizer.Decode(tokens.Select(tokenizer.Vocabulary.IdOf).ToArray()));
        Assert.Equal(-1, error.Index);
        Assert.Contains("inside a note", error.Message);
    }

    [Fact]
    public void Mutated_sequences_decode_or_fail_with_a_token_error()
    {
        var tokenizer = new EventTokenizer();
        var random = new Random(11);
        int failures = 0;
        for (int round = 0; round < 2000; round++)
        {
            int[] ids = tokenizer.Encode(RandomPieces.OnGrid(new Random(round), tokenizer));
            int[] mutated = ids.ToArray();
            for (int m = random.Next(1, 4); m > 0; m--) mutated[random.Next(mutated.Length)] = random.Next(-3, tokenizer.Vocabulary.Count + 3);
            try
            {
                tokenizer.Decode(mutated);
            }
            catch (TokenDecodeException error)
            {
                failures++;
                Assert.InRange(error.Index, -1, mutated.Length - 1);
            }
        }
        Assert.InRange(failures, 1, 1999);
    }

    [Fact]
    public void The_decoder_reads_a_stream_token_by_token()
    {
        var tokenizer = new EventTokenizer();
        var decoder = new EventDecoder(tokenizer.Table);
        string[] tokens = ["<bos>", "Track_0", "Program_0", "Channel_0", "Bar", "TimeSig_4/4", "Position_0", "Track_0", "Pitch_60", "Velocity_79", "Duration_4"];
        var boundaries = new List<bool>();
        for (int i = 0; i < tokens.Length; i++)
        {
            decoder.Accept(tokenizer.Vocabulary.IdOf(tokens[i]), i);
            boundaries.Add(decoder.AtBoundary);
        }
        Assert.Equal([false, false, false, false, false, true, true, false, false, false, true], boundaries);
        Assert.Equal(new Note(60, 0, 480, 79, 0), decoder.Finish().Notes.Single());
    }

    [Fact]
    public void Long_gaps_are_bounded()
    {
        var piece = new Piece { Notes = [new Note(60, long.MaxValue / 4, 480, 80, 0)] };
        var error = Assert.Throws<ArgumentException>(() => new EventTokenizer().Encode(piece));
        Assert.Contains("grid step", error.Message);
    }
}
