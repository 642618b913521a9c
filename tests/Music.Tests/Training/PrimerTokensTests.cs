using MusicCluster.Music.Pieces;
using MusicCluster.Music.Tokens;
using MusicCluster.Music.Training;

namespace MusicCluster.Music.Tests.Training;

/// <summary>How a primer piece becomes the tokens generation starts from, per kind of model.</summary>
public sealed class PrimerTokensTests
{
    private const int Quarter = Piece.DefaultTicksPerQuarter;

    /// <summary>One piano track: a four-note chord, then a six-note one on beat 2.</summary>
    private static Piece PianoPiece(params int[] secondChord) => PieceBuilder.Normalize(new Piece
    {
        Notes = new[] { 72, 67, 64, 48 }.Select(p => new Note(p, 0, Quarter, 80, 0))
            .Concat(secondChord.Select(p => new Note(p, Quarter, Quarter, 80, 0))).ToList(),
        TimeSignatures = [new TimeSignature(0, 4, 4)],
        Tracks = [new TrackInfo(0, "Piano")],
    });

    [Fact]
    public void A_grid_model_reads_a_piano_primer_as_four_voices_after_its_start_token()
    {
        var grid = new JsbGridTokenizer();
        var piece = PianoPiece(74, 65, 62, 50);

        int[] tokens = PieceGeneration.PrimerTokens(grid, piece, contextLength: 256);

        Assert.Equal([JsbGridTokenizer.BeginId, .. grid.EncodeGrid(ChoraleVoicing.FromPiece(piece, 63))], tokens);
        Assert.Equal(1 + 8 * ChoraleGrid.Voices, tokens.Length);
        // The tokenizer reads an uploaded piece the same way (four notes in one track are voiced, not refused).
        Assert.Equal(tokens[1..], grid.Encode(piece));
    }

    [Fact]
    public void A_grid_model_refuses_a_primer_with_six_notes_at_once_or_longer_than_its_context()
    {
        var grid = new JsbGridTokenizer();

        var crowded = Assert.Throws<ArgumentException>(() => PieceGeneration.PrimerTokens(grid, PianoPiece(84, 79, 76, 72, 67, 60), contextLength: 256));
        Assert.StartsWith("bar 1, beat 2: 6 notes sound at once", crowded.Message);

        // Context 29: the start token and 7 steps; the piece has 8.
        var tooLong = Assert.Throws<ArgumentException>(() => PieceGeneration.PrimerTokens(grid, PianoPiece(74, 65, 62, 50), contextLength: 29));
        Assert.Contains("8 16th steps long", tooLong.Message);
        Assert.Contains("at most 7", tooLong.Message);
        Assert.Equal(8, PieceGeneration.PrimerTokens(grid, PianoPiece(74, 65, 62, 50), contextLength: 33).Length / ChoraleGrid.Voices);
    }

    [Fact]
    public void An_event_model_primer_is_the_piece_as_it_is_six_note_chords_included()
    {
        var events = new EventTokenizer();
        var piece = PianoPiece(84, 79, 76, 72, 67, 60);

        int[] tokens = PieceGeneration.PrimerTokens(events, piece, contextLength: 16);

        int[] encoded = events.Encode(piece);
        Assert.Equal(EventVocabulary.EndId, encoded[^1]);
        Assert.Equal(encoded[..^1], tokens);
        Assert.Equal(10, events.Decode([.. tokens, EventVocabulary.EndId]).Notes.Count);
    }
}
