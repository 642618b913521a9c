using MusicCluster.Music.Pieces;

namespace MusicCluster.Cli.Commands;

/// <summary>
/// Reads and writes piece files (MIDI) for the commands that need them. Program.cs passes the Music/Midi reader and
/// writer; a build or test without them passes null, and the commands say which option is not available.
/// </summary>
internal sealed record PieceFiles(Func<string, Piece> Read, Action<Piece, string> Write);
