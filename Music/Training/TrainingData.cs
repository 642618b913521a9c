using System.Security.Cryptography;
using MusicCluster.Music.Data;
using MusicCluster.Music.Tokens;

namespace MusicCluster.Music.Training;

/// <summary>The token sequences a run trains and validates on, with the dataset they came from.</summary>
public sealed record TrainingData(Vocabulary Vocabulary, IReadOnlyList<int[]> Train, IReadOnlyList<int[]> Valid, DatasetReference Dataset)
{
    /// <summary>Opens a dataset folder (hashes verified) and reads its train and valid splits into memory.</summary>
    public static TrainingData Load(string folder)
    {
        var dataset = TokenDataset.Open(folder);
        string manifestPath = Path.Combine(dataset.Folder, DatasetManifest.FileName);
        string sha;
        using (var stream = File.OpenRead(manifestPath)) sha = Convert.ToHexStringLower(SHA256.HashData(stream));
        var train = Read(dataset, DatasetSplits.Train);
        var valid = Read(dataset, DatasetSplits.Valid);
        if (train.Count == 0) throw new DatasetFormatException(manifestPath, "the dataset has no train sequences to learn from", "splits");
        return new TrainingData(dataset.Vocabulary, train, valid, new DatasetReference(Path.GetFileName(dataset.Folder), sha));
    }

    private static List<int[]> Read(TokenDataset dataset, string split) =>
        dataset.SplitNames.Contains(split) ? dataset.ReadSplit(split).Select(s => WithStartToken(dataset.Vocabulary, s.Tokens)).ToList() : [];

    /// <summary>
    /// The sequence as the model sees it: starting with &lt;bos&gt;. Event sequences already do; JSB grid
    /// sequences hold the grid tokens only (so that their NLL is over grid tokens, as in the Music Transformer
    /// paper), and get the start token here: the model reads it first and is never asked to predict it.
    /// </summary>
    public static int[] WithStartToken(Vocabulary vocabulary, int[] tokens)
    {
        if (!vocabulary.TryGetId("<bos>", out int begin) || (tokens.Length > 0 && tokens[0] == begin)) return tokens;
        return [begin, .. tokens];
    }
}
