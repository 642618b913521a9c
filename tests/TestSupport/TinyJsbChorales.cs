using System.Text.Json;

namespace MusicCluster.TestSupport;

/// <summary>
/// A tiny hand-made file in the JSB Chorales JSON format ({"train","valid","test"}: pieces of 16th steps of four
/// MIDI pitches, soprano to bass), for tests that import a grid dataset the way a user imports Jsb16thSeparated.json.
/// </summary>
public static class TinyJsbChorales
{
    public const int TrainPieces = 2, ValidPieces = 1, TestPieces = 1;

    /// <summary>Steps of every piece: 5 bars of 4/4, more than a 256-token window (64 steps) of grid tokens.</summary>
    public const int StepsPerPiece = 80;

    // I, IV, V, I in C major, each chord held a quarter (four 16ths).
    private static readonly int[][] Chords = [[72, 67, 64, 48], [72, 69, 65, 53], [71, 67, 62, 55], [72, 67, 64, 48]];

    /// <summary>Writes the file into <paramref name="folder"/> and returns its path.</summary>
    public static string Write(string folder)
    {
        int[][] Piece(int shift) => Enumerable.Range(0, StepsPerPiece).Select(step => Chords[(step / 4 + shift) % Chords.Length]).ToArray();
        var corpus = new Dictionary<string, int[][][]>
        {
            ["train"] = Enumerable.Range(0, TrainPieces).Select(Piece).ToArray(),
            ["valid"] = Enumerable.Range(TrainPieces, ValidPieces).Select(Piece).ToArray(),
            ["test"] = Enumerable.Range(TrainPieces + ValidPieces, TestPieces).Select(Piece).ToArray(),
        };
        string path = Path.Combine(folder, "Jsb16thSeparated.json");
        File.WriteAllText(path, JsonSerializer.Serialize(corpus));
        return path;
    }
}
