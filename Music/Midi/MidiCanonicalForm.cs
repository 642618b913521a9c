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
/// <see cref="PieceBuilder.Normalize"/> order. In <see cref="MidiFileFormat.SingleTrack"/> files the tracks also
/// become one unnamed track per channel, and notes of one channel and pitch pair across tracks.
/// </remarks>
public static class MidiCanonicalForm
{
    public static Piece Of(Piece piece, MidiFileFormat format = MidiFileFormat.MultiTrack)
    {
        MidiPieceValidator.Validate(piece);
        var layout = MidiTrackLayout.Plan(piece);
        List<TrackInfo> tracks;
        List<Note> notes;
        if (format == MidiFileFormat.MultiTrack)
        {
            tracks = layout.Tracks.ToList();
            notes = PairFirstInFirstOut(piece.Notes, n => (layout.TrackOf(n.Track), n.Channel, n.Pitch), key => key.Item1);
        }
        else
        {
            // One chunk: a program change per track at its start (the first per channel counts), notes paired per
            // channel and pitch across tracks, and one unnamed track per channel used.
            var programOfChannel = new int?[16];
            foreach (var track in layout.Tracks) programOfChannel[track.Channel] ??= track.Program;
            var channels = layout.Tracks.Select(t => t.Channel).Concat(piece.Notes.Select(n => n.Channel)).Distinct().Order().ToList();
            tracks = channels.Select((channel, i) => new TrackInfo(i, "", programOfChannel[channel] ?? 0, channel)).ToList();
            notes = PairFirstInFirstOut(piece.Notes, n => (0, n.Channel, n.Pitch), key => channels.IndexOf(key.Item2));
        }
        var metadata = piece.Metadata;
        return PieceBuilder.Normalize(piece with
        {
            Notes = notes,
            Tempos = PieceAssembler.WithoutRepeats(piece.Tempos),
            TimeSignatures = PieceAssembler.WithoutRepeats(piece.TimeSignatures),
            KeySignatures = PieceAssembler.WithoutRepeats(piece.KeySignatures),
            Tracks = tracks,
            Metadata = metadata with
            {
                Title = MidiText.RoundTrip(metadata.Title),
                Composer = metadata.Composer is null ? null : MidiText.RoundTrip(metadata.Composer),
                Copyright = metadata.Copyright is null ? null : MidiText.RoundTrip(metadata.Copyright),
            },
        });
    }

    /// <summary>
    /// Re-pairs starts and ends of the notes that share a key (the reader's first-in-first-out pairing): the notes in
    /// the writer's order get the ends in ascending order.
    /// </summary>
    private static List<Note> PairFirstInFirstOut(
        IEnumerable<Note> notes, Func<Note, (int, int, int)> keyOf, Func<(int, int, int), int> trackOfKey)
    {
        var paired = new List<Note>();
        foreach (var sameKey in notes.GroupBy(keyOf))
        {
            var starts = sameKey.Order(MidiNoteOrder.Instance).ToList();
            var ends = sameKey.Select(n => n.End).Order().ToList();
            int track = trackOfKey(sameKey.Key);
            for (int i = 0; i < starts.Count; i++)
                paired.Add(starts[i] with { Track = track, Duration = ends[i] - starts[i].Start });
        }
        return paired;
    }
}
