using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Data;

/// <summary>
/// Reads one file into a piece (the MIDI reader of Music/Midi for folder imports). A file that cannot be read
/// throws; the importer lists the exception's message as the reason the file was skipped. The importer calls
/// <see cref="Read"/> from several threads at once (one file per call), so an implementation must not share mutable state.
/// </summary>
public interface IPieceReader
{
    Piece Read(string path);
}

/// <summary>An <see cref="IPieceReader"/> from a function.</summary>
public sealed class DelegatePieceReader(Func<string, Piece> read) : IPieceReader
{
    public Piece Read(string path) => read(path);
}
