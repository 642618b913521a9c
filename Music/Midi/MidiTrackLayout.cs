using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Midi;

/// <summary>
/// Which track chunks a piece is written as: one per track of the piece (its <see cref="TrackInfo"/>s plus any
/// track index that only notes mention), in index order, renumbered 0..n-1 because that is how they read back.
/// </summary>
internal sealed class MidiTrackLayout
{
    private readonly Dictionary<int, int> chunkTrackOf;

    private MidiTrackLayout(List<TrackInfo> tracks, Dictionary<int, int> chunkTrackOf)
    {
        Tracks = tracks;
        this.chunkTrackOf = chunkTrackOf;
    }

    /// <summary>The tracks as they will read back, in chunk order, with indices 0..n-1.</summary>
    public IReadOnlyList<TrackInfo> Tracks { get; }

    /// <summary>The read-back index of a track index of the piece.</summary>
    public int TrackOf(int pieceTrackIndex) => chunkTrackOf[pieceTrackIndex];

    public static MidiTrackLayout Plan(Piece piece)
    {
        var declared = piece.Tracks.ToDictionary(t => t.Index);
        var firstNoteChannel = new Dictionary<int, int>();
        foreach (var note in piece.Notes.Order(MidiNoteOrder.Instance))
            firstNoteChannel.TryAdd(note.Track, note.Channel);

        var indices = declared.Keys.Union(firstNoteChannel.Keys).Order().ToList();
        var tracks = new List<TrackInfo>(indices.Count);
        var chunkTrackOf = new Dictionary<int, int>(indices.Count);
        foreach (int index in indices)
        {
            int readBack = tracks.Count;
            chunkTrackOf[index] = readBack;
            tracks.Add(declared.TryGetValue(index, out var info)
                ? info with { Index = readBack, Name = MidiText.RoundTrip(info.Name) }
                // A track only notes mention gets a program change to its first note's channel, so it reads back so.
                : new TrackInfo(readBack, "", 0, firstNoteChannel[index]));
        }
        return new MidiTrackLayout(tracks, chunkTrackOf);
    }
}

/// <summary>
/// The order in which the writer emits note-ons. Within one channel and pitch it decides which note-off ends which
/// note on reading (first in, first out), so <see cref="MidiCanonicalForm"/> depends on it too.
/// </summary>
internal sealed class MidiNoteOrder : IComparer<Note>
{
    public static readonly MidiNoteOrder Instance = new();

    public int Compare(Note? x, Note? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        int c = x.Start.CompareTo(y.Start);
        if (c == 0) c = x.Duration.CompareTo(y.Duration);
        if (c == 0) c = x.Velocity.CompareTo(y.Velocity);
        if (c == 0) c = x.Channel.CompareTo(y.Channel);
        if (c == 0) c = x.Pitch.CompareTo(y.Pitch);
        return c;
    }
}
