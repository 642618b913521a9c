using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Midi;

/// <summary>
/// What a piece reads back as after <see cref="MidiFileWriter"/> and <see cref="MidiFileReader"/>: the round trip
/// is lossless up to this form, and a piece already in it comes back equal.
/// </summary>
/// <remarks>
/// MIDI loses four things. (1) Note-offs carry no identity: for overlapping notes of one track, channel and pitch
/// the reader ends the oldest sounding note first, so their ends are re-paired in start order. (2) Tracks are
/// renumbered 0..n-1, and a track that only notes mention gets a default <see cref="TrackInfo"/>. (3) Text is
/// stored as UTF-8, so invalid UTF-16 (a lone surrogate) becomes U+FFFD. (4) A tempo, time or key signature change
/// that repeats the one before it at the same tick is dropped (the reader drops such repeats). Lists come in
/// <see cref="PieceBuilder.Normalize"/> order.
/// </remarks>
public static class MidiCanonicalForm
{
    public static Piece Of(Piece piece)
    {
        MidiPieceValidator.Validate(piece);
        var layout = MidiTrackLayout.Plan(piece);
        var notes = new List<Note>(piece.Notes.Count);
        foreach (var sameKey in piece.Notes.GroupBy(n => (Track: layout.TrackOf(n.Track), n.Channel, n.Pitch)))
        {
            var starts = sameKey.Order(MidiNoteOrder.Instance).ToList();
            var ends = sameKey.Select(n => n.End).Order().ToList();
            for (int i = 0; i < starts.Count; i++)
                notes.Add(starts[i] with { Track = sameKey.Key.Track, Duration = ends[i] - starts[i].Start });
        }
        var metadata = piece.Metadata;
        return PieceBuilder.Normalize(piece with
        {
            Notes = notes,
            Tempos = PieceAssembler.WithoutRepeats(piece.Tempos),
            TimeSignatures = PieceAssembler.WithoutRepeats(piece.TimeSignatures),
            KeySignatures = PieceAssembler.WithoutRepeats(piece.KeySignatures),
            Tracks = layout.Tracks.ToList(),
            Metadata = metadata with
            {
                Title = MidiText.RoundTrip(metadata.Title),
                Composer = metadata.Composer is null ? null : MidiText.RoundTrip(metadata.Composer),
                Copyright = metadata.Copyright is null ? null : MidiText.RoundTrip(metadata.Copyright),
            },
        });
    }
}
