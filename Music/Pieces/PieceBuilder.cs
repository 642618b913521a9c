namespace MusicCluster.Music.Pieces;

/// <summary>Builds a <see cref="Piece"/> with its lists in canonical order, so equal content compares equal.</summary>
public static class PieceBuilder
{
    public static Piece Normalize(Piece piece) => piece with
    {
        Notes = piece.Notes.OrderBy(n => n.Start).ThenBy(n => n.Track).ThenBy(n => n.Pitch).ThenBy(n => n.Duration)
            .ThenBy(n => n.Velocity).ThenBy(n => n.Channel).ToList(),
        Tempos = piece.Tempos.OrderBy(t => t.Tick).ToList(),
        TimeSignatures = piece.TimeSignatures.OrderBy(t => t.Tick).ToList(),
        KeySignatures = piece.KeySignatures.OrderBy(k => k.Tick).ToList(),
        Tracks = piece.Tracks.OrderBy(t => t.Index).ToList(),
    };
}
