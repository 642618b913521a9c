using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Data;

/// <summary>Transposition for data augmentation: pitched notes and key signatures move, drums (channel 9) stay.</summary>
public static class PieceTransposer
{
    public const int DrumChannel = 9;

    /// <summary>The piece moved by <paramref name="semitones"/>; null when a pitched note would leave 0-127.</summary>
    public static Piece? Transpose(Piece piece, int semitones)
    {
        if (semitones == 0) return piece;
        var notes = new List<Note>(piece.Notes.Count);
        foreach (var note in piece.Notes)
        {
            if (note.Channel == DrumChannel) { notes.Add(note); continue; }
            int pitch = note.Pitch + semitones;
            if (pitch is < 0 or > 127) return null;
            notes.Add(note with { Pitch = pitch });
        }
        return PieceBuilder.Normalize(piece with
        {
            Notes = notes,
            KeySignatures = piece.KeySignatures.Select(k => k with { Sharps = TransposeSharps(k.Sharps, semitones) }).ToList(),
        });
    }

    /// <summary>The key signature a transposed key is written in: each semitone up adds 7 sharps modulo 12, and of
    /// the enharmonic spellings the one with at most 6 sharps or 5 flats is chosen.</summary>
    public static int TransposeSharps(int sharps, int semitones)
    {
        int value = ((sharps + 7 * semitones) % 12 + 12) % 12;
        return value > 6 ? value - 12 : value;
    }
}
