using MusicCluster.Music.Data;
using MusicCluster.Music.Pieces;

namespace MusicCluster.Music.Tests.Data;

/// <summary>
/// A folder of stand-in ".mid" files for importer tests: each holds a line "synthetic SEED INDEX" that
/// <see cref="Reader"/> turns into that synthetic piece, "empty" for a piece without notes, or anything else,
/// which the reader refuses as a real MIDI reader refuses a broken file. The importer only sees IPieceReader.
/// </summary>
internal static class FakeMidiFolder
{
    public static IPieceReader Reader { get; } = new DelegatePieceReader(path =>
    {
        string[] words = File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words is ["empty"]) return new Piece();
        if (words is ["synthetic", var seed, var index])
            return SyntheticCorpus.GeneratePiece(long.Parse(seed), int.Parse(index), SyntheticCorpus.StyleOf(int.Parse(index)));
        throw new InvalidDataException($"not a MIDI file: no MThd header at byte offset 0");
    });

    /// <summary>Writes <paramref name="count"/> good files in nested folders, plus one broken and one empty file and a non-MIDI file.</summary>
    public static string Create(int count, long seed = 7)
    {
        string folder = RepositoryPaths.NewTempFolder("midi-folder");
        for (int i = 0; i < count; i++)
        {
            string directory = Path.Combine(folder, $"set{i % 3}", i % 2 == 0 ? "" : "deeper");
            Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, $"piece{i:D3}{(i % 4 == 3 ? ".MIDI" : ".mid")}"), $"synthetic {seed} {i}");
        }
        File.WriteAllText(Path.Combine(folder, "broken.mid"), "garbage");
        File.WriteAllText(Path.Combine(folder, "set0", "silent.mid"), "empty");
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "synthetic 1 1");
        return folder;
    }
}
