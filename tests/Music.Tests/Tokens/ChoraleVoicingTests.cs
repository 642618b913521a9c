using MusicCluster.Music.Midi;
using MusicCluster.Music.Pieces;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Tests.Tokens;

public sealed class ChoraleVoicingTests
{
    private const int Tpq = 480, Sixteenth = Tpq / 4, Quarter = Tpq;

    /// <summary>A piece of (pitch, start, duration, track) notes at 480 ticks a quarter, in <paramref name="numerator"/>/4.</summary>
    private static Piece PieceOf(IEnumerable<(int Pitch, long Start, long Duration, int Track)> notes, int numerator = 4, int channel = 0) => PieceBuilder.Normalize(new Piece
    {
        TicksPerQuarter = Tpq,
        Notes = notes.Select(n => new Note(n.Pitch, n.Start, n.Duration, 80, n.Track, channel)).ToList(),
        TimeSignatures = [new TimeSignature(0, numerator, 4)],
        Tracks = notes.Select(n => n.Track).Distinct().Select(t => new TrackInfo(t, $"Track {t}", 0, channel)).ToList(),
    });

    private static IEnumerable<(int, long, long, int)> Chord(long start, long duration, int track, params int[] pitches) =>
        pitches.Select(p => (p, start, duration, track));

    /// <summary>Voice <paramref name="voice"/> over the steps, one value per 16th.</summary>
    private static int[] VoiceOf(ChoraleGrid grid, int voice) => Enumerable.Range(0, grid.Steps).Select(s => grid[s, voice]).ToArray();

    private static int[] Held(int pitch, int steps) => Enumerable.Repeat(pitch, steps).ToArray();

    [Fact]
    public void A_piano_piece_of_four_note_chords_in_one_track_becomes_four_voices_and_fewer_notes_keep_the_voices_moving_least()
    {
        var piece = PieceOf([
            .. Chord(0, Quarter, 0, 72, 67, 64, 48),
            .. Chord(Quarter, Quarter, 0, 74, 65, 62, 50),
            // Three notes: the 55 is nearer the bass's 50 than the tenor's 62, so the tenor rests.
            .. Chord(2 * Quarter, Quarter, 0, 72, 64, 55),
        ]);
        // Through a real MIDI file, as an upload arrives.
        var read = MidiFileReader.Read(MidiFileWriter.Write(piece));
        Assert.Single(read.Notes.Select(n => n.Track).Distinct());

        var grid = ChoraleVoicing.FromPiece(read, maxSteps: 64);

        Assert.Equal(12, grid.Steps);
        Assert.Equal([.. Held(72, 4), .. Held(74, 4), .. Held(72, 4)], VoiceOf(grid, 0));
        Assert.Equal([.. Held(67, 4), .. Held(65, 4), .. Held(64, 4)], VoiceOf(grid, 1));
        Assert.Equal([.. Held(64, 4), .. Held(62, 4), .. Held(ChoraleGrid.Silent, 4)], VoiceOf(grid, 2));
        Assert.Equal([.. Held(48, 4), .. Held(50, 4), .. Held(55, 4)], VoiceOf(grid, 3));
    }

    [Fact]
    public void Four_one_note_tracks_in_scrambled_order_become_soprano_alto_tenor_bass_by_their_mean_pitch()
    {
        // Track 0 is the bass, 1 the soprano, 2 the tenor, 3 the alto. In the second half the tenor rises above the
        // alto: a voice crossing, which reading by track keeps (reading the chords high to low would swap them).
        var piece = PieceOf([
            (48, 0, 2 * Quarter, 0), (72, 0, 2 * Quarter, 1), (60, 0, Quarter, 2), (67, 0, 2 * Quarter, 3),
            (69, Quarter, Quarter, 2),
        ]);

        var grid = ChoraleVoicing.FromPiece(MidiFileReader.Read(MidiFileWriter.Write(piece)), maxSteps: 64);

        Assert.Equal(Held(72, 8), VoiceOf(grid, 0));
        Assert.Equal(Held(67, 8), VoiceOf(grid, 1));
        Assert.Equal([.. Held(60, 4), .. Held(69, 4)], VoiceOf(grid, 2));
        Assert.Equal(Held(48, 8), VoiceOf(grid, 3));
    }

    [Theory]
    [InlineData(70, 0)] // a melody lies nearest the soprano's range
    [InlineData(62, 1)] // one around middle D, nearest the alto's
    [InlineData(45, 3)] // a low line is the bass
    public void One_melody_goes_to_the_voice_whose_range_it_lies_nearest(int pitch, int voice)
    {
        var grid = ChoraleVoicing.FromPiece(PieceOf([(pitch, 0, Quarter, 5), (pitch + 2, Quarter, Quarter, 5)]), maxSteps: 64);

        for (int v = 0; v < ChoraleGrid.Voices; v++)
            Assert.Equal(v == voice ? [.. Held(pitch, 4), .. Held(pitch + 2, 4)] : Held(ChoraleGrid.Silent, 8), VoiceOf(grid, v));
    }

    [Fact]
    public void A_melody_and_a_bass_line_become_soprano_and_bass()
    {
        var grid = ChoraleVoicing.FromPiece(PieceOf([(72, 0, Quarter, 0), (74, Quarter, Quarter, 0), (48, 0, 2 * Quarter, 1)]), maxSteps: 64);

        Assert.Equal([.. Held(72, 4), .. Held(74, 4)], VoiceOf(grid, 0));
        Assert.Equal(Held(ChoraleGrid.Silent, 8), VoiceOf(grid, 1));
        Assert.Equal(Held(ChoraleGrid.Silent, 8), VoiceOf(grid, 2));
        Assert.Equal(Held(48, 8), VoiceOf(grid, 3));
    }

    [Theory]
    [InlineData(4, "bar 3, beat 2")]
    [InlineData(3, "bar 3, beat 2")] // bars of the piece's own time signature
    public void Six_notes_at_once_are_refused_naming_bar_and_beat(int numerator, string position)
    {
        long barTicks = numerator * Quarter;
        var piece = PieceOf([
            .. Chord(0, Quarter, 0, 72, 67, 64, 48),
            .. Chord(2 * barTicks + Quarter, Quarter, 0, 84, 79, 76, 72, 67, 60),
        ], numerator);

        var error = Assert.Throws<ArgumentException>(() => ChoraleVoicing.FromPiece(piece, maxSteps: 1000));

        Assert.StartsWith($"{position}: 6 notes sound at once (C6 G5 E5 C5 G4 C4)", error.Message);
        Assert.Contains("a four-part chorale has at most four", error.Message);
    }

    [Fact]
    public void A_chord_between_beats_is_placed_by_its_sixteenth()
    {
        var piece = PieceOf(Chord(Quarter + 3 * Sixteenth, Sixteenth, 0, 84, 79, 76, 72, 67));

        var error = Assert.Throws<ArgumentException>(() => ChoraleVoicing.FromPiece(piece, maxSteps: 1000));

        Assert.StartsWith("bar 1, beat 2 + 3/16: 5 notes sound at once", error.Message);
    }

    [Fact]
    public void Five_one_note_tracks_are_read_as_chords_and_a_doubled_pitch_counts_once()
    {
        // Five tracks, but only four distinct pitches: two of them sound E4 in unison.
        var piece = PieceOf([(72, 0, Quarter, 0), (64, 0, Quarter, 1), (64, 0, Quarter, 2), (55, 0, Quarter, 3), (48, 0, Quarter, 4)]);

        var grid = ChoraleVoicing.FromPiece(piece, maxSteps: 64);

        Assert.Equal([72, 64, 55, 48], grid.StepValues().First());
    }

    [Fact]
    public void An_empty_piece_a_drum_track_and_a_piece_longer_than_the_model_reads_are_refused_saying_why()
    {
        var empty = Assert.Throws<ArgumentException>(() => ChoraleVoicing.FromPiece(new Piece(), maxSteps: 64));
        Assert.Contains("no notes", empty.Message);

        var drums = Assert.Throws<ArgumentException>(() => ChoraleVoicing.FromPiece(PieceOf([(36, 0, Quarter, 0)], channel: TrackInfo.DrumChannel), maxSteps: 64));
        Assert.Contains("only drum notes", drums.Message);

        // 17 bars of 4/4 = 272 steps against a model that reads 63 (context 256 after its start token).
        var tooLong = Assert.Throws<ArgumentException>(() => ChoraleVoicing.FromPiece(PieceOf([(72, 0, 17 * 4 * Quarter, 0)]), maxSteps: 63));
        Assert.Equal("the piece is 272 16th steps long (17 bars of 4/4); this model reads at most 63 (3 bars of 4/4 and 15 16ths) at once: use a shorter primer",
            tooLong.Message);
    }

    [Fact]
    public void A_three_four_primer_is_read_on_the_sixteenth_grid_as_it_is()
    {
        var waltz = PieceOf([(72, 0, 3 * Quarter, 0), (74, 3 * Quarter, 3 * Quarter, 0)], numerator: 3);

        var grid = ChoraleVoicing.FromPiece(waltz, maxSteps: 64);

        // Two 3/4 bars are 24 steps: one and a half bars of the model's 4/4, nothing stretched or padded.
        Assert.Equal([.. Held(72, 12), .. Held(74, 12)], VoiceOf(grid, 0));
    }
}
